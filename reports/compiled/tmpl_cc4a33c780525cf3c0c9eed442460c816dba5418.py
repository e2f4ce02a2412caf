from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'phase.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_filter_bar = l_0_fix_group = l_0_kv = l_0_reason_table = l_0_result_status = missing
    pass
    parent_template = environment.get_template('run.html.j2', 'phase.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    included_template = environment.get_template('macros.html.j2', 'phase.html.j2')._get_default_module(context)
    l_0_filter_bar = getattr(included_template, 'filter_bar', missing)
    if l_0_filter_bar is missing:
        l_0_filter_bar = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'phase.html.j2') does not export the requested name 'filter_bar'", name='filter_bar')
    l_0_fix_group = getattr(included_template, 'fix_group', missing)
    if l_0_fix_group is missing:
        l_0_fix_group = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'phase.html.j2') does not export the requested name 'fix_group'", name='fix_group')
    l_0_kv = getattr(included_template, 'kv', missing)
    if l_0_kv is missing:
        l_0_kv = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'phase.html.j2') does not export the requested name 'kv'", name='kv')
    l_0_reason_table = getattr(included_template, 'reason_table', missing)
    if l_0_reason_table is missing:
        l_0_reason_table = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'phase.html.j2') does not export the requested name 'reason_table'", name='reason_table')
    l_0_result_status = getattr(included_template, 'result_status', missing)
    if l_0_result_status is missing:
        l_0_result_status = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'phase.html.j2') does not export the requested name 'result_status'", name='result_status')
    context.vars.update({'filter_bar': l_0_filter_bar, 'fix_group': l_0_fix_group, 'kv': l_0_kv, 'reason_table': l_0_reason_table, 'result_status': l_0_result_status})
    context.exported_vars.difference_update(('filter_bar', 'fix_group', 'kv', 'reason_table', 'result_status'))
    yield from parent_template.root_render_func(context)

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_phase = resolve('phase')
    l_0_filter_bar = resolve('filter_bar')
    l_0_filters = resolve('filters')
    l_0_as_of = resolve('as_of')
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
        t_3 = environment.filters['sum']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'sum' found.")
    pass
    if environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'summary'):
        pass
        yield '<p>'
        yield escape(environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'summary'))
        yield '</p>'
    yield escape(context.call((undefined(name='filter_bar') if l_0_filter_bar is missing else l_0_filter_bar), (undefined(name='filters') if l_0_filters is missing else l_0_filters), _block_vars=_block_vars))
    yield '\n<p class="muted">'
    yield escape(t_2(environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'measures')))
    yield ' measures: '
    yield escape(environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'with_findings'))
    yield ' with open findings, '
    yield escape(environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'evidenced'))
    yield ' evidenced, '
    yield escape(environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'overdue'))
    yield ' with only overdue attestations, '
    yield escape(environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'not_evidenced'))
    yield ' not evidenced. Attestations are judged as of the run date, '
    yield escape((undefined(name='as_of') if l_0_as_of is missing else l_0_as_of))
    yield '.</p>\n<ul class="plain">\n'
    for l_1_m in environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'measures'):
        _loop_vars = {}
        pass
        yield '  <li><a href="#measure-'
        yield escape(environment.getattr(l_1_m, 'id'))
        yield '">'
        yield escape(environment.getattr(l_1_m, 'id'))
        yield '</a> '
        yield escape(environment.getattr(l_1_m, 'title'))
        yield ' — <span class="badge '
        yield escape(environment.getattr(l_1_m, 'status_class'))
        yield '">'
        yield escape(environment.getattr(l_1_m, 'status'))
        yield '</span></li>\n'
    l_1_m = missing
    yield '</ul>\n\n'
    l_1_loop = missing
    for l_1_m, l_1_loop in LoopContext(environment.getattr((undefined(name='phase') if l_0_phase is missing else l_0_phase), 'measures'), undefined):
        l_1_reason_table = resolve('reason_table')
        _loop_vars = {}
        pass
        yield '<section class="measure" id="measure-'
        yield escape(environment.getattr(l_1_m, 'id'))
        yield '">\n  <h2><span class="mono">'
        yield escape(environment.getattr(l_1_m, 'id'))
        yield '</span> <span>'
        yield escape(environment.getattr(l_1_m, 'title'))
        yield '</span> <span class="badge '
        yield escape(environment.getattr(l_1_m, 'status_class'))
        yield '">'
        yield escape(environment.getattr(l_1_m, 'status'))
        yield '</span></h2>\n  <p>'
        yield escape(environment.getattr(l_1_m, 'summary'))
        yield '</p>\n  <dl class="measure-meta">\n    <dt>Evidence kind</dt><dd>'
        yield escape(environment.getattr(l_1_m, 'evidence_kind'))
        if environment.getattr(l_1_m, 'machine_evidence'):
            pass
            yield ' — <span class="muted">'
            yield escape(environment.getattr(l_1_m, 'machine_evidence'))
            yield '</span>'
        yield '</dd>\n    <dt>NIST CSF 2.0</dt><dd>'
        if environment.getattr(l_1_m, 'nist_csf_2'):
            pass
            yield escape(t_1(context.eval_ctx, environment.getattr(l_1_m, 'nist_csf_2'), ', '))
        else:
            pass
            yield '<span class="muted">none</span>'
        yield '</dd>\n    <dt>CIS Controls v8</dt><dd>'
        if environment.getattr(l_1_m, 'cis_v8'):
            pass
            yield escape(t_1(context.eval_ctx, environment.getattr(l_1_m, 'cis_v8'), ', '))
        else:
            pass
            yield '<span class="muted">none</span>'
        yield '</dd>\n  </dl>\n\n'
        if environment.getattr(l_1_m, 'open_groups'):
            pass
            yield '  <h3>Open findings ('
            yield escape(environment.getattr(l_1_m, 'open_total'))
            yield ') in '
            yield escape(t_2(environment.getattr(l_1_m, 'open_groups')))
            if environment.getattr(l_1_m, 'open_more'):
                pass
                yield '+'
            yield ' fix'
            if (t_2(environment.getattr(l_1_m, 'open_groups')) != 1):
                pass
                yield 'es'
            yield '</h3>\n'
            for l_2_g in environment.getattr(l_1_m, 'open_groups'):
                l_2_fix_group = resolve('fix_group')
                l_2_host_files = resolve('host_files')
                _loop_vars = {}
                pass
                yield escape(context.call((undefined(name='fix_group') if l_2_fix_group is missing else l_2_fix_group), l_2_g, (undefined(name='host_files') if l_2_host_files is missing else l_2_host_files), 100, _loop_vars=_loop_vars))
            l_2_g = l_2_fix_group = l_2_host_files = missing
            if environment.getattr(l_1_m, 'open_more'):
                pass
                yield '  <p class="flag">The '
                yield escape(t_2(environment.getattr(l_1_m, 'open_groups')))
                yield ' most severe fixes are shown ('
                yield escape(environment.getattr(l_1_m, 'open_shown'))
                yield ' findings); '
                yield escape((environment.getattr(l_1_m, 'open_total') - environment.getattr(l_1_m, 'open_shown')))
                yield ' more findings:\n'
                l_2_loop = missing
                for (l_2_title, l_2_count), l_2_loop in LoopContext(environment.getattr(l_1_m, 'open_more'), undefined):
                    _loop_vars = {}
                    pass
                    yield escape(l_2_title)
                    yield ' ('
                    yield escape(l_2_count)
                    yield ')'
                    if (not environment.getattr(l_2_loop, 'last')):
                        pass
                        yield ', '
                l_2_loop = l_2_title = l_2_count = missing
                yield '.\n    Each is on its host\'s page (see <a href="hosts.html">Hosts</a>) and in <code>findings.csv</code>.</p>\n'
        yield '\n'
        if environment.getattr(l_1_m, 'waived_groups'):
            pass
            yield '  <h3>Waived findings ('
            yield escape(environment.getattr(l_1_m, 'waived_total'))
            yield ')</h3>\n'
            for l_2_g in environment.getattr(l_1_m, 'waived_groups'):
                l_2_fix_group = resolve('fix_group')
                l_2_host_files = resolve('host_files')
                _loop_vars = {}
                pass
                yield escape(context.call((undefined(name='fix_group') if l_2_fix_group is missing else l_2_fix_group), l_2_g, (undefined(name='host_files') if l_2_host_files is missing else l_2_host_files), _loop_vars=_loop_vars))
            l_2_g = l_2_fix_group = l_2_host_files = missing
            if (environment.getattr(l_1_m, 'waived_total') > t_3(environment, environment.getattr(l_1_m, 'waived_groups'), attribute='count')):
                pass
                yield '  <p class="muted">The first '
                yield escape(t_2(environment.getattr(l_1_m, 'waived_groups')))
                yield ' fixes are shown; all waived findings are in <code>findings.csv</code>.</p>\n'
        yield '\n'
        if environment.getattr(l_1_m, 'passed'):
            pass
            yield '  <details class="passed"><summary>Passed checks ('
            yield escape(t_2(environment.getattr(l_1_m, 'passed')))
            yield ')</summary>\n'
            for l_2_p in environment.getattr(l_1_m, 'passed'):
                l_2_result_status = resolve('result_status')
                _loop_vars = {}
                pass
                yield '  <div class="item">\n    <div class="item-head">'
                yield escape(context.call((undefined(name='result_status') if l_2_result_status is missing else l_2_result_status), 'pass', _loop_vars=_loop_vars))
                yield ' <span>'
                yield escape(environment.getattr(l_2_p, 'check_title'))
                yield ' <code class="muted">'
                yield escape(environment.getattr(l_2_p, 'check_id'))
                yield '</code></span></div>\n    <ul class="plain">\n'
                for l_3_r in environment.getattr(l_2_p, 'results'):
                    l_3_host_files = resolve('host_files')
                    l_3_kv = resolve('kv')
                    _loop_vars = {}
                    pass
                    yield '      <li><a href="'
                    yield escape(environment.getitem((undefined(name='host_files') if l_3_host_files is missing else l_3_host_files), environment.getattr(l_3_r, 'target')))
                    yield '">'
                    yield escape(environment.getattr(l_3_r, 'target'))
                    yield '</a>'
                    if environment.getattr(l_3_r, 'reason'):
                        pass
                        yield ': '
                        yield escape(environment.getattr(l_3_r, 'reason'))
                    yield escape(context.call((undefined(name='kv') if l_3_kv is missing else l_3_kv), environment.getattr(l_3_r, 'details'), _loop_vars=_loop_vars))
                    yield '</li>\n'
                l_3_r = l_3_host_files = l_3_kv = missing
                if environment.getattr(l_2_p, 'more'):
                    pass
                    yield '<li class="muted">and '
                    yield escape(environment.getattr(l_2_p, 'more'))
                    yield " more targets (each host's page lists its passed checks)</li>"
                yield '    </ul>\n  </div>\n'
            l_2_p = l_2_result_status = missing
            yield '  </details>\n'
        yield '\n'
        if environment.getattr(l_1_m, 'not_checked'):
            pass
            yield '  <h3>Not checked ('
            yield escape(environment.getattr(l_1_m, 'not_checked_total'))
            yield ')</h3>\n  '
            yield escape(context.call((undefined(name='reason_table') if l_1_reason_table is missing else l_1_reason_table), environment.getattr(l_1_m, 'not_checked'), environment.getattr(l_1_m, 'not_checked_total'), _loop_vars=_loop_vars))
            yield '\n'
        yield '\n'
        if environment.getattr(l_1_m, 'attestations'):
            pass
            yield '  <h3>Attestations ('
            yield escape(t_2(environment.getattr(l_1_m, 'attestations')))
            yield ')</h3>\n'
            for l_2_a in environment.getattr(l_1_m, 'attestations'):
                _loop_vars = {}
                pass
                yield '  <div class="item">\n    <p>'
                yield escape(environment.getattr(l_2_a, 'statement'))
                yield '</p>\n    <dl class="kv">\n      <dt>By</dt><dd>'
                yield escape(environment.getattr(l_2_a, 'by'))
                yield '</dd>\n      <dt>Date</dt><dd>'
                yield escape(environment.getattr(l_2_a, 'date'))
                yield '</dd>\n      <dt>Next review</dt><dd>'
                if environment.getattr(l_2_a, 'overdue'):
                    pass
                    yield '<span class="overdue">'
                    yield escape(environment.getattr(l_2_a, 'next_review'))
                    yield ' — overdue</span>'
                else:
                    pass
                    yield escape(environment.getattr(l_2_a, 'next_review'))
                yield '</dd>\n'
                if environment.getattr(l_2_a, 'evidence'):
                    pass
                    yield '      <dt>Evidence</dt><dd>'
                    if environment.getattr(l_2_a, 'evidence_url'):
                        pass
                        yield '<a href="'
                        yield escape(environment.getattr(l_2_a, 'evidence_url'))
                        yield '" rel="noopener noreferrer">'
                        yield escape(environment.getattr(l_2_a, 'evidence'))
                        yield '</a>'
                    else:
                        pass
                        yield '<code>'
                        yield escape(environment.getattr(l_2_a, 'evidence'))
                        yield '</code>'
                    yield '</dd>\n'
                if environment.getattr(l_2_a, 'source'):
                    pass
                    yield '<dt>Recorded in</dt><dd><code>'
                    yield escape(environment.getattr(l_2_a, 'source'))
                    yield '</code></dd>'
                yield '    </dl>\n  </div>\n'
            l_2_a = missing
        yield '\n'
        if environment.getattr(l_1_m, 'nothing_recorded'):
            pass
            yield '  <p class="muted">No check and no attestation evidences this measure in this run.</p>\n'
        yield '</section>\n'
    l_1_loop = l_1_m = l_1_reason_table = missing

blocks = {'content': block_content}
debug_info = '1=13&2=16&3=36&4=66&5=71&6=73&8=85&9=89&13=102&14=107&15=109&16=117&18=119&19=126&20=133&23=140&24=143&25=154&26=161&27=164&28=171&33=184&34=187&35=189&36=196&37=199&41=202&42=205&43=207&45=212&47=218&48=224&50=235&57=244&58=247&59=249&62=252&63=255&64=257&66=261&68=263&69=265&70=267&71=276&72=279&74=292&80=300'