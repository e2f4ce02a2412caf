from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'host.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_severity = l_0_fix_group = l_0_kv = l_0_reason_table = l_0_result_status = missing
    pass
    parent_template = environment.get_template('run.html.j2', 'host.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    included_template = environment.get_template('macros.html.j2', 'host.html.j2')._get_default_module(context)
    l_0_severity = getattr(included_template, 'severity', missing)
    if l_0_severity is missing:
        l_0_severity = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'host.html.j2') does not export the requested name 'severity'", name='severity')
    l_0_fix_group = getattr(included_template, 'fix_group', missing)
    if l_0_fix_group is missing:
        l_0_fix_group = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'host.html.j2') does not export the requested name 'fix_group'", name='fix_group')
    l_0_kv = getattr(included_template, 'kv', missing)
    if l_0_kv is missing:
        l_0_kv = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'host.html.j2') does not export the requested name 'kv'", name='kv')
    l_0_reason_table = getattr(included_template, 'reason_table', missing)
    if l_0_reason_table is missing:
        l_0_reason_table = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'host.html.j2') does not export the requested name 'reason_table'", name='reason_table')
    l_0_result_status = getattr(included_template, 'result_status', missing)
    if l_0_result_status is missing:
        l_0_result_status = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'host.html.j2') does not export the requested name 'result_status'", name='result_status')
    context.vars.update({'severity': l_0_severity, 'fix_group': l_0_fix_group, 'kv': l_0_kv, 'reason_table': l_0_reason_table, 'result_status': l_0_result_status})
    context.exported_vars.difference_update(('severity', 'fix_group', 'kv', 'reason_table', 'result_status'))
    yield from parent_template.root_render_func(context)

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_host = resolve('host')
    l_0_severities = resolve('severities')
    l_0_statuses = resolve('statuses')
    l_0_c = resolve('c')
    l_0_reason_table = resolve('reason_table')
    l_0_row = missing
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
    pass
    l_0_row = environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'row')
    _block_vars['row'] = l_0_row
    yield '<dl class="runinfo host-facts">\n  <dt>Kind</dt><dd>'
    yield escape((environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'kind') or 'not in the inventory'))
    yield '</dd>\n'
    if environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'address'):
        pass
        yield '<dt>Address</dt><dd class="mono">'
        yield escape(environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'address'))
        yield '</dd>'
    yield '  <dt>Owner</dt><dd>'
    if environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'owner'):
        pass
        yield '<a href="'
        yield escape(environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'owner_file'))
        yield '">'
        yield escape(environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'owner'))
        yield '</a>'
    else:
        pass
        yield '<span class="muted">none named</span>'
    yield '</dd>\n'
    if environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'role'):
        pass
        yield '<dt>Role</dt><dd>'
        yield escape(environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'role'))
        yield '</dd>'
    if environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'tags'):
        pass
        yield '<dt>Tags</dt><dd>'
        yield escape(t_1(context.eval_ctx, environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'tags'), ', '))
        yield '</dd>'
    yield '</dl>\n\n<div class="table-wrap">\n<table class="host-counts">\n  <thead><tr>'
    for l_1_s in (undefined(name='severities') if l_0_severities is missing else l_0_severities):
        l_1_severity = resolve('severity')
        _loop_vars = {}
        pass
        yield '<th class="num">'
        yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), l_1_s, _loop_vars=_loop_vars))
        yield '</th>'
    l_1_s = l_1_severity = missing
    yield '<th class="num">waived</th>'
    for l_1_status in (undefined(name='statuses') if l_0_statuses is missing else l_0_statuses):
        _loop_vars = {}
        pass
        yield '<th class="num">'
        yield escape(l_1_status)
        yield '</th>'
    l_1_status = missing
    yield '</tr></thead>\n  <tbody><tr>'
    for l_1_count in environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'severities'):
        _loop_vars = {}
        pass
        yield '<td class="num">'
        yield escape(l_1_count)
        yield '</td>'
    l_1_count = missing
    yield '<td class="num">'
    yield escape(environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'waived'))
    yield '</td>'
    for l_1_count in environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'statuses'):
        _loop_vars = {}
        pass
        yield '<td class="num">'
        yield escape(l_1_count)
        yield '</td>'
    l_1_count = missing
    yield '</tr></tbody>\n</table>\n</div>\n\n'
    if environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'changes'):
        pass
        l_0_c = environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'changes')
        _block_vars['c'] = l_0_c
        yield '<h2 id="history">Since the previous run</h2>\n<p>Run of '
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'previous_run'))
        yield ': '
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'open_before'))
        yield ' open findings; now '
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'open_now'))
        yield ' — <strong>'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'new_count'))
        yield '</strong> new, <strong>'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'resolved'))
        yield '</strong> resolved.</p>\n'
        if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'new'):
            pass
            yield '<ul class="plain">'
            for l_1_g in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'new')[:10]:
                l_1_severity = resolve('severity')
                _loop_vars = {}
                pass
                yield '<li>'
                yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), environment.getattr(l_1_g, 'severity'), _loop_vars=_loop_vars))
                yield ' '
                yield escape(environment.getattr(l_1_g, 'check_title'))
                yield ' ('
                yield escape(environment.getattr(l_1_g, 'count'))
                yield ')</li>'
            l_1_g = l_1_severity = missing
            yield '</ul>\n'
    yield '\n<section id="open">\n<h2>Open findings ('
    yield escape(environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'open_findings'))
    yield ')</h2>\n'
    t_3 = 1
    for l_1_area in environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'areas'):
        l_1_severity = resolve('severity')
        _loop_vars = {}
        pass
        yield '<section class="area" id="area-'
        yield escape(environment.getattr(l_1_area, 'name'))
        yield '">\n  <h3>'
        yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), environment.getattr(l_1_area, 'severity'), _loop_vars=_loop_vars))
        yield ' '
        yield escape(environment.getattr(l_1_area, 'name'))
        yield ' ('
        yield escape(environment.getattr(l_1_area, 'count'))
        yield ' finding'
        if (environment.getattr(l_1_area, 'count') != 1):
            pass
            yield 's'
        yield ', '
        yield escape(t_2(environment.getattr(l_1_area, 'groups')))
        yield ' fix'
        if (t_2(environment.getattr(l_1_area, 'groups')) != 1):
            pass
            yield 'es'
        yield ')</h3>\n'
        for l_2_g in environment.getattr(l_1_area, 'groups'):
            l_2_fix_group = resolve('fix_group')
            _loop_vars = {}
            pass
            yield escape(context.call((undefined(name='fix_group') if l_2_fix_group is missing else l_2_fix_group), l_2_g, None, 200, _loop_vars=_loop_vars))
        l_2_g = l_2_fix_group = missing
        yield '</section>\n'
        t_3 = 0
    l_1_area = l_1_severity = missing
    if t_3:
        pass
        yield '<p>No open findings on this host.</p>\n'
    if environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'more_groups'):
        pass
        yield '<p class="flag">The most severe fixes are shown; '
        yield escape(environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'more_groups'))
        yield ' more fixes ('
        yield escape(environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'more_findings'))
        yield ' findings) are in <code>findings.csv</code> and <code>snapshot.json</code>.</p>\n'
    yield '</section>\n\n'
    if environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'waived'):
        pass
        yield '<h2 id="waived">Waived findings ('
        yield escape(environment.getattr((undefined(name='row') if l_0_row is missing else l_0_row), 'waived'))
        yield ')</h2>\n'
        for l_1_g in environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'waived'):
            l_1_fix_group = resolve('fix_group')
            _loop_vars = {}
            pass
            yield escape(context.call((undefined(name='fix_group') if l_1_fix_group is missing else l_1_fix_group), l_1_g, None, 200, _loop_vars=_loop_vars))
        l_1_g = l_1_fix_group = missing
    yield '\n<h2 id="not-checked">Not checked ('
    yield escape(environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'not_checked_total'))
    yield ')</h2>\n'
    if environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'not_checked'):
        pass
        yield '<p>What could not be checked on this host, and why. Until these are checked, their absence of findings proves nothing.</p>\n'
        yield escape(context.call((undefined(name='reason_table') if l_0_reason_table is missing else l_0_reason_table), environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'not_checked'), environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'not_checked_total'), _block_vars=_block_vars))
        yield '\n'
    else:
        pass
        yield '<p>Every selected check that applies ran.</p>\n'
    yield '\n<h2 id="passed">Passed checks ('
    yield escape(t_2(environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'passed')))
    yield ')</h2>\n'
    if environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'passed'):
        pass
        yield '<details class="passed"><summary>Show the '
        yield escape(t_2(environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'passed')))
        yield ' passed checks</summary>\n<ul class="plain">\n'
        for l_1_p in environment.getattr((undefined(name='host') if l_0_host is missing else l_0_host), 'passed'):
            l_1_result_status = resolve('result_status')
            _loop_vars = {}
            pass
            yield '  <li>'
            yield escape(context.call((undefined(name='result_status') if l_1_result_status is missing else l_1_result_status), 'pass', _loop_vars=_loop_vars))
            yield ' '
            yield escape(environment.getattr(l_1_p, 'check_title'))
            yield ' <code class="muted">'
            yield escape(environment.getattr(l_1_p, 'check_id'))
            yield '</code>'
            for l_2_r in environment.getattr(l_1_p, 'results'):
                l_2_kv = resolve('kv')
                _loop_vars = {}
                pass
                if environment.getattr(l_2_r, 'reason'):
                    pass
                    yield ': '
                    yield escape(environment.getattr(l_2_r, 'reason'))
                yield escape(context.call((undefined(name='kv') if l_2_kv is missing else l_2_kv), environment.getattr(l_2_r, 'details'), _loop_vars=_loop_vars))
            l_2_r = l_2_kv = missing
            yield '</li>\n'
        l_1_p = l_1_result_status = missing
        yield '</ul>\n</details>\n'
    else:
        pass
        yield '<p class="muted">No check passed on this host.</p>\n'

blocks = {'content': block_content}
debug_info = '1=13&2=16&3=36&4=62&6=65&7=67&8=73&9=84&10=89&15=95&16=112&20=130&21=132&23=135&24=145&25=148&30=162&31=165&32=170&33=172&34=188&39=200&40=203&44=208&45=211&46=213&49=220&50=222&52=225&57=231&58=233&59=236&61=238&62=243'