from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'diff.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_diff_section = missing
    pass
    parent_template = environment.get_template('base.html.j2', 'diff.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    included_template = environment.get_template('macros.html.j2', 'diff.html.j2')._get_default_module(context)
    l_0_diff_section = getattr(included_template, 'diff_section', missing)
    if l_0_diff_section is missing:
        l_0_diff_section = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'diff.html.j2') does not export the requested name 'diff_section'", name='diff_section')
    context.vars['diff_section'] = l_0_diff_section
    context.exported_vars.discard('diff_section')
    yield from parent_template.root_render_func(context)

def block_doc_title(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass
    yield 'rifi-auditor'

def block_header(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_generator_version = resolve('generator_version')
    l_0_page_title = resolve('page_title')
    l_0_meta = resolve('meta')
    l_0_rejudged = resolve('rejudged')
    pass
    yield '  <p class="tool">rifi-auditor '
    yield escape((undefined(name='generator_version') if l_0_generator_version is missing else l_0_generator_version))
    yield ' · comparison of two snapshots</p>\n  <h1>'
    yield escape((undefined(name='page_title') if l_0_page_title is missing else l_0_page_title))
    yield '</h1>\n  <div class="table-wrap">\n  <table>\n    <thead><tr><th></th><th>Older run</th><th>Newer run</th></tr></thead>\n    <tbody>\n'
    for l_1_row in (undefined(name='meta') if l_0_meta is missing else l_0_meta):
        _loop_vars = {}
        pass
        yield '      <tr><th scope="row">'
        yield escape(environment.getattr(l_1_row, 'label'))
        yield '</th><td>'
        yield escape(environment.getattr(l_1_row, 'old'))
        yield '</td><td>'
        if environment.getattr(l_1_row, 'changed'):
            pass
            yield '<strong>'
            yield escape(environment.getattr(l_1_row, 'new'))
            yield '</strong>'
        else:
            pass
            yield escape(environment.getattr(l_1_row, 'new'))
        yield '</td></tr>\n'
    l_1_row = missing
    yield '    </tbody>\n  </table>\n  </div>\n'
    for l_1_note in (undefined(name='rejudged') if l_0_rejudged is missing else l_0_rejudged):
        _loop_vars = {}
        pass
        yield '  <p class="note rejudged" role="note">'
        yield escape(l_1_note)
        yield '.</p>\n'
    l_1_note = missing

def block_nav(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_sections = resolve('sections')
    pass
    yield '<nav aria-label="Sections">\n  <div class="inner">\n    <ul>\n'
    for l_1_s in (undefined(name='sections') if l_0_sections is missing else l_0_sections):
        _loop_vars = {}
        pass
        yield '      <li><a href="#'
        yield escape(environment.getattr(l_1_s, 'id'))
        yield '">'
        yield escape(environment.getattr(l_1_s, 'title'))
        yield ' ('
        yield escape(environment.getattr(l_1_s, 'count'))
        yield ')</a></li>\n'
    l_1_s = missing
    yield '    </ul>\n  </div>\n</nav>\n'

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_version_changes = resolve('version_changes')
    l_0_has_changes = resolve('has_changes')
    l_0_targets_added = resolve('targets_added')
    l_0_targets_removed = resolve('targets_removed')
    l_0_judged_differently = resolve('judged_differently')
    l_0_ports_opened = resolve('ports_opened')
    l_0_ports_closed = resolve('ports_closed')
    l_0_sections = resolve('sections')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_3 = environment.filters['lower']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'lower' found.")
    pass
    if (undefined(name='version_changes') if l_0_version_changes is missing else l_0_version_changes):
        pass
        yield '<div class="note" role="note">\n  <strong>How the runs were judged changed.</strong> Some differences below may come from the judging, not from the systems:\n  <ul class="plain">\n'
        for l_1_c in (undefined(name='version_changes') if l_0_version_changes is missing else l_0_version_changes):
            _loop_vars = {}
            pass
            yield '    <li>'
            yield escape(environment.getattr(l_1_c, 'label'))
            yield ': '
            yield escape(environment.getattr(l_1_c, 'old'))
            yield ' → <strong>'
            yield escape(environment.getattr(l_1_c, 'new'))
            yield '</strong></li>\n'
        l_1_c = missing
        yield '  </ul>\n</div>\n'
    if (not (undefined(name='has_changes') if l_0_has_changes is missing else l_0_has_changes)):
        pass
        yield '<p class="verdict v-ok">No changes between the two runs.</p>\n'
    yield '\n<h2>Hosts added ('
    yield escape(t_2((undefined(name='targets_added') if l_0_targets_added is missing else l_0_targets_added)))
    yield ') and removed ('
    yield escape(t_2((undefined(name='targets_removed') if l_0_targets_removed is missing else l_0_targets_removed)))
    yield ')</h2>\n<dl class="kv">\n  <dt>Added</dt><dd>'
    if (undefined(name='targets_added') if l_0_targets_added is missing else l_0_targets_added):
        pass
        yield escape(t_1(context.eval_ctx, (undefined(name='targets_added') if l_0_targets_added is missing else l_0_targets_added), ', '))
    else:
        pass
        yield '<span class="muted">none</span>'
    yield '</dd>\n  <dt>Removed</dt><dd>'
    if (undefined(name='targets_removed') if l_0_targets_removed is missing else l_0_targets_removed):
        pass
        yield escape(t_1(context.eval_ctx, (undefined(name='targets_removed') if l_0_targets_removed is missing else l_0_targets_removed), ', '))
    else:
        pass
        yield '<span class="muted">none</span>'
    yield '</dd>\n</dl>\n\n'
    if (undefined(name='judged_differently') if l_0_judged_differently is missing else l_0_judged_differently):
        pass
        yield '<div class="flag" role="note">\n  <strong>Changes that may come from the judging, not the systems:</strong>\n  <ul>\n'
        for (l_1_check_id, l_1_why) in (undefined(name='judged_differently') if l_0_judged_differently is missing else l_0_judged_differently):
            _loop_vars = {}
            pass
            yield '<li><code>'
            yield escape(l_1_check_id)
            yield '</code>: '
            yield escape(l_1_why)
            yield '</li>'
        l_1_check_id = l_1_why = missing
        yield '  </ul>\n</div>\n'
    yield '<h2>Ports opened ('
    yield escape(t_2((undefined(name='ports_opened') if l_0_ports_opened is missing else l_0_ports_opened)))
    yield ') and closed ('
    yield escape(t_2((undefined(name='ports_closed') if l_0_ports_closed is missing else l_0_ports_closed)))
    yield ')</h2>\n'
    if ((undefined(name='ports_opened') if l_0_ports_opened is missing else l_0_ports_opened) or (undefined(name='ports_closed') if l_0_ports_closed is missing else l_0_ports_closed)):
        pass
        yield '<div class="table-wrap">\n<table>\n  <thead><tr><th>Change</th><th>Target</th><th>Address</th><th>Port</th><th>Service</th></tr></thead>\n  <tbody>\n'
        for (l_1_change, l_1_ports) in (('opened', (undefined(name='ports_opened') if l_0_ports_opened is missing else l_0_ports_opened)), ('closed', (undefined(name='ports_closed') if l_0_ports_closed is missing else l_0_ports_closed))):
            _loop_vars = {}
            pass
            for l_2_p in l_1_ports:
                _loop_vars = {}
                pass
                yield '    <tr><td>'
                yield escape(l_1_change)
                yield '</td><td>'
                yield escape(environment.getattr(l_2_p, 'target'))
                yield '</td><td>'
                yield escape(environment.getattr(l_2_p, 'address'))
                yield '</td><td class="num">'
                yield escape(environment.getattr(l_2_p, 'protocol'))
                yield '/'
                yield escape(environment.getattr(l_2_p, 'port'))
                yield '</td><td>'
                yield escape((environment.getattr(l_2_p, 'service') or 'unknown'))
                yield '</td></tr>\n'
            l_2_p = missing
        l_1_change = l_1_ports = missing
        yield '  </tbody>\n</table>\n</div>\n'
    else:
        pass
        yield '<p class="muted">No port opened or closed on targets scanned in both runs.</p>\n'
    yield '\n'
    for l_1_s in (undefined(name='sections') if l_0_sections is missing else l_0_sections):
        l_1_diff_section = resolve('diff_section')
        _loop_vars = {}
        pass
        yield '<section id="'
        yield escape(environment.getattr(l_1_s, 'id'))
        yield '">\n'
        if environment.getattr(l_1_s, 'collapsed'):
            pass
            yield '<h2>'
            yield escape(environment.getattr(l_1_s, 'title'))
            yield ' ('
            yield escape(environment.getattr(l_1_s, 'count'))
            yield ')</h2>\n<details>\n<summary>Show '
            yield escape(environment.getattr(l_1_s, 'count'))
            yield ' '
            yield escape(t_3(environment.getattr(l_1_s, 'title')))
            yield '</summary>\n'
            yield escape(context.call((undefined(name='diff_section') if l_1_diff_section is missing else l_1_diff_section), l_1_s, _loop_vars=_loop_vars))
            yield '\n</details>\n'
        else:
            pass
            yield '<h2>'
            yield escape(environment.getattr(l_1_s, 'title'))
            yield ' ('
            yield escape(environment.getattr(l_1_s, 'count'))
            yield ')</h2>\n'
            yield escape(context.call((undefined(name='diff_section') if l_1_diff_section is missing else l_1_diff_section), l_1_s, _loop_vars=_loop_vars))
            yield '\n'
        yield '</section>\n'
    l_1_s = l_1_diff_section = missing

blocks = {'doc_title': block_doc_title, 'header': block_header, 'nav': block_nav, 'content': block_content}
debug_info = '1=13&2=16&3=24&4=34&5=47&6=49&11=51&12=55&17=70&18=74&21=78&25=88&26=92&32=101&33=135&37=138&38=142&43=150&47=154&49=158&50=165&53=172&57=175&61=186&62=190&67=193&68=200&77=219&78=224&79=226&80=229&82=233&83=237&86=242&87=246'