from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'hosts.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_severity = missing
    pass
    parent_template = environment.get_template('run.html.j2', 'hosts.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    included_template = environment.get_template('macros.html.j2', 'hosts.html.j2')._get_default_module(context)
    l_0_severity = getattr(included_template, 'severity', missing)
    if l_0_severity is missing:
        l_0_severity = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'hosts.html.j2') does not export the requested name 'severity'", name='severity')
    context.vars['severity'] = l_0_severity
    context.exported_vars.discard('severity')
    yield from parent_template.root_render_func(context)

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_hosts_total = resolve('hosts_total')
    l_0_pages = resolve('pages')
    l_0_first = resolve('first')
    l_0_rows = resolve('rows')
    l_0_severities = resolve('severities')
    l_0_statuses = resolve('statuses')
    l_0_current = resolve('current')
    l_0_owners = resolve('owners')
    l_0_pager = missing
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    def macro():
        t_2 = []
        pass
        if (t_1((undefined(name='pages') if l_0_pages is missing else l_0_pages)) > 1):
            pass
            t_2.append(
                '<nav class="pager" aria-label="Pages of the hosts list"><ul>',
            )
            l_2_loop = missing
            for l_2_file, l_2_loop in LoopContext((undefined(name='pages') if l_0_pages is missing else l_0_pages), undefined):
                _loop_vars = {}
                pass
                t_2.extend((
                    '<li><a href="',
                    escape(l_2_file),
                    '"',
                ))
                if (l_2_file == (undefined(name='current') if l_0_current is missing else l_0_current)):
                    pass
                    t_2.append(
                        ' aria-current="page"',
                    )
                t_2.extend((
                    '>',
                    escape(environment.getattr(l_2_loop, 'index')),
                    '</a></li>',
                ))
            l_2_loop = l_2_file = missing
            t_2.append(
                '</ul></nav>\n',
            )
        return concat(t_2)
    l_0_pager = Macro(environment, macro, 'pager', (), False, False, False, context.eval_ctx.autoescape)
    yield '<p>'
    yield escape((undefined(name='hosts_total') if l_0_hosts_total is missing else l_0_hosts_total))
    yield ' targets, worst first (most critical open findings, then most high, ...); each has its own page.'
    if (t_1((undefined(name='pages') if l_0_pages is missing else l_0_pages)) > 1):
        pass
        yield ' Here: '
        yield escape((undefined(name='first') if l_0_first is missing else l_0_first))
        yield '–'
        yield escape((((undefined(name='first') if l_0_first is missing else l_0_first) + t_1((undefined(name='rows') if l_0_rows is missing else l_0_rows))) - 1))
        yield '.'
    yield '</p>\n'
    yield escape(context.call((undefined(name='pager') if l_0_pager is missing else l_0_pager), _block_vars=_block_vars))
    yield '\n<div class="table-wrap">\n<table id="hosts">\n  <thead>\n    <tr><th>Target</th><th>Kind</th><th>Owner</th>'
    for l_1_s in (undefined(name='severities') if l_0_severities is missing else l_0_severities):
        l_1_severity = resolve('severity')
        _loop_vars = {}
        pass
        yield '<th class="num">'
        yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), l_1_s, _loop_vars=_loop_vars))
        yield '</th>'
    l_1_s = l_1_severity = missing
    for l_1_status in (undefined(name='statuses') if l_0_statuses is missing else l_0_statuses):
        _loop_vars = {}
        pass
        yield '<th class="num">'
        yield escape(l_1_status)
        yield '</th>'
    l_1_status = missing
    yield '<th class="num">open findings</th></tr>\n  </thead>\n  <tbody>\n'
    t_3 = 1
    for l_1_row in (undefined(name='rows') if l_0_rows is missing else l_0_rows):
        _loop_vars = {}
        pass
        yield '    <tr>\n      <td><a href="'
        yield escape(environment.getattr(l_1_row, 'file'))
        yield '"><strong>'
        yield escape(environment.getattr(l_1_row, 'name'))
        yield '</strong></a>'
        if (environment.getattr(l_1_row, 'address') and (environment.getattr(l_1_row, 'address') != environment.getattr(l_1_row, 'name'))):
            pass
            yield ' <span class="muted mono">'
            yield escape(environment.getattr(l_1_row, 'address'))
            yield '</span>'
        yield '</td>\n      <td>'
        yield escape(environment.getattr(l_1_row, 'kind'))
        yield '</td>\n      <td>'
        if environment.getattr(l_1_row, 'owner'):
            pass
            yield '<a href="'
            yield escape(environment.getattr(l_1_row, 'owner_file'))
            yield '">'
            yield escape(environment.getattr(l_1_row, 'owner'))
            yield '</a>'
        yield '</td>\n'
        for l_2_count in environment.getattr(l_1_row, 'severities'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(l_2_count)
            yield '</td>'
        l_2_count = missing
        for l_2_count in environment.getattr(l_1_row, 'statuses'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(l_2_count)
            yield '</td>'
        l_2_count = missing
        yield '      <td class="num">'
        yield escape(environment.getattr(l_1_row, 'open_findings'))
        yield '</td>\n    </tr>\n'
        t_3 = 0
    l_1_row = missing
    if t_3:
        pass
        yield '    <tr><td colspan="'
        yield escape(((t_1((undefined(name='statuses') if l_0_statuses is missing else l_0_statuses)) + t_1((undefined(name='severities') if l_0_severities is missing else l_0_severities))) + 4))
        yield '">No targets were audited.</td></tr>\n'
    yield '  </tbody>\n</table>\n</div>\n'
    yield escape(context.call((undefined(name='pager') if l_0_pager is missing else l_0_pager), _block_vars=_block_vars))
    yield '\n\n'
    if ((undefined(name='current') if l_0_current is missing else l_0_current) == environment.getitem((undefined(name='pages') if l_0_pages is missing else l_0_pages), 0)):
        pass
        yield '<h2 id="owners">Owners ('
        yield escape(t_1((undefined(name='owners') if l_0_owners is missing else l_0_owners)))
        yield ')</h2>\n'
        if (undefined(name='owners') if l_0_owners is missing else l_0_owners):
            pass
            yield '<div class="table-wrap">\n<table>\n  <thead><tr><th>Owner</th><th class="num">Hosts</th><th class="num">Open findings</th></tr></thead>\n  <tbody>\n'
            for (l_1_name, l_1_file, l_1_hosts, l_1_open) in (undefined(name='owners') if l_0_owners is missing else l_0_owners):
                _loop_vars = {}
                pass
                yield '    <tr><td><a href="'
                yield escape(l_1_file)
                yield '">'
                yield escape(l_1_name)
                yield '</a></td><td class="num">'
                yield escape(l_1_hosts)
                yield '</td><td class="num">'
                yield escape(l_1_open)
                yield '</td></tr>\n'
            l_1_name = l_1_file = l_1_hosts = l_1_open = missing
            yield '  </tbody>\n</table>\n</div>\n'
        else:
            pass
            yield '<p class="muted">No target names an owner (set <code>owner:</code> in the inventory).</p>\n'

blocks = {'content': block_content}
debug_info = '1=13&2=16&3=24&4=47&5=50&6=56&9=81&10=91&14=93&17=110&19=114&20=124&21=126&22=134&23=141&24=149&27=156&32=159&34=161&35=164&36=166&41=169&42=173'