from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'summary.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_severity = missing
    pass
    parent_template = environment.get_template('run.html.j2', 'summary.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    included_template = environment.get_template('macros.html.j2', 'summary.html.j2')._get_default_module(context)
    l_0_severity = getattr(included_template, 'severity', missing)
    if l_0_severity is missing:
        l_0_severity = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'summary.html.j2') does not export the requested name 'severity'", name='severity')
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
    l_0_outcome = resolve('outcome')
    l_0_hosts_total = resolve('hosts_total')
    l_0_severity_counts = resolve('severity_counts')
    l_0_waived = resolve('waived')
    l_0_phases = resolve('phases')
    l_0_coverage = resolve('coverage')
    l_0_overview = resolve('overview')
    l_0_c = resolve('c')
    l_0_severities = resolve('severities')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_2 = environment.filters['truncate']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'truncate' found.")
    pass
    yield '<div class="exec">\n<div class="verdict '
    yield escape(environment.getattr((undefined(name='outcome') if l_0_outcome is missing else l_0_outcome), 'verdict_class'))
    yield '">\n  <strong>'
    yield escape(environment.getattr((undefined(name='outcome') if l_0_outcome is missing else l_0_outcome), 'verdict'))
    yield '</strong>\n  <span class="muted">'
    yield escape((undefined(name='hosts_total') if l_0_hosts_total is missing else l_0_hosts_total))
    yield ' targets audited; '
    yield escape(environment.getattr((undefined(name='outcome') if l_0_outcome is missing else l_0_outcome), 'blocking'))
    yield ' blocking findings.</span>\n</div>\n\n<h2>Open findings</h2>\n<table class="compact">\n  <thead><tr>'
    for (l_1_sev, l_1_count) in (undefined(name='severity_counts') if l_0_severity_counts is missing else l_0_severity_counts):
        l_1_severity = resolve('severity')
        _loop_vars = {}
        pass
        yield '<th class="num">'
        yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), l_1_sev, _loop_vars=_loop_vars))
        yield '</th>'
    l_1_sev = l_1_count = l_1_severity = missing
    yield '<th class="num">waived</th></tr></thead>\n  <tbody><tr>'
    for (l_1_sev, l_1_count) in (undefined(name='severity_counts') if l_0_severity_counts is missing else l_0_severity_counts):
        _loop_vars = {}
        pass
        yield '<td class="num">'
        yield escape(l_1_count)
        yield '</td>'
    l_1_sev = l_1_count = missing
    yield '<td class="num">'
    yield escape((undefined(name='waived') if l_0_waived is missing else l_0_waived))
    yield '</td></tr></tbody>\n</table>\n\n<h2>Posture per phase</h2>\n<table class="compact" id="phase-posture">\n  <thead><tr><th>Phase</th><th class="num">Measures</th><th class="num">Evidenced</th><th class="num">With open findings</th><th class="num">Only overdue attestations</th><th class="num">Not evidenced</th></tr></thead>\n  <tbody>\n'
    for l_1_phase in (undefined(name='phases') if l_0_phases is missing else l_0_phases):
        _loop_vars = {}
        pass
        yield '    <tr><td>'
        yield escape(environment.getattr(l_1_phase, 'title'))
        yield '</td><td class="num">'
        yield escape(t_1(environment.getattr(l_1_phase, 'measures')))
        yield '</td><td class="num">'
        yield escape(environment.getattr(l_1_phase, 'evidenced'))
        yield '</td><td class="num">'
        yield escape(environment.getattr(l_1_phase, 'with_findings'))
        yield '</td><td class="num">'
        yield escape(environment.getattr(l_1_phase, 'overdue'))
        yield '</td><td class="num">'
        yield escape(environment.getattr(l_1_phase, 'not_evidenced'))
        yield '</td></tr>\n'
    l_1_phase = missing
    yield '  </tbody>\n</table>\n<p><strong>Toolkit coverage: '
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'evidenced'))
    yield ' of '
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'total'))
    yield '</strong> measures evidenced as in place ('
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'percent'))
    yield '%): a passing check or a current attestation, and no open finding.</p>\n\n<h2>Top risks</h2>\n'
    if environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'top_risks'):
        pass
        yield '<table class="compact" id="exec-risks">\n  <thead><tr><th>Severity</th><th>What to fix</th><th class="num">Findings</th><th class="num">Hosts</th></tr></thead>\n  <tbody>\n'
        for l_1_g in environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'top_risks')[:5]:
            l_1_severity = resolve('severity')
            _loop_vars = {}
            pass
            yield '    <tr><td>'
            yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), environment.getattr(l_1_g, 'severity'), _loop_vars=_loop_vars))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_g, 'check_title'))
            if environment.getattr(l_1_g, 'remediation'):
                pass
                yield ' — <span class="muted">'
                yield escape(t_2(environment, environment.getattr(l_1_g, 'remediation'), 140))
                yield '</span>'
            yield '</td><td class="num">'
            yield escape(environment.getattr(l_1_g, 'count'))
            yield '</td><td class="num">'
            yield escape(environment.getattr(l_1_g, 'target_count'))
            yield '</td></tr>\n'
        l_1_g = l_1_severity = missing
        yield '  </tbody>\n</table>\n'
    else:
        pass
        yield '<p>No open findings.</p>\n'
    yield '\n<h2>Trend</h2>\n'
    if environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'changes'):
        pass
        l_0_c = environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'changes')
        _block_vars['c'] = l_0_c
        yield '<p>Since the run of '
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'previous_run'))
        yield ': '
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'new_total'))
        yield ' new open findings, '
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'resolved_total'))
        yield ' resolved.</p>\n<table class="compact" id="exec-trend">\n  <thead><tr><th></th>'
        for l_1_s in (undefined(name='severities') if l_0_severities is missing else l_0_severities):
            l_1_severity = resolve('severity')
            _loop_vars = {}
            pass
            yield '<th class="num">'
            yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), l_1_s, _loop_vars=_loop_vars))
            yield '</th>'
        l_1_s = l_1_severity = missing
        yield '</tr></thead>\n  <tbody>\n    <tr><td>Open before</td>'
        for (l_1_b, l_1_n, l_1_d) in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'severity_rows'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(l_1_b)
            yield '</td>'
        l_1_b = l_1_n = l_1_d = missing
        yield '</tr>\n    <tr><td>Open now</td>'
        for (l_1_b, l_1_n, l_1_d) in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'severity_rows'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(l_1_n)
            yield '</td>'
        l_1_b = l_1_n = l_1_d = missing
        yield '</tr>\n  </tbody>\n</table>\n<table class="compact">\n  <thead><tr><th>Measures with open findings</th>'
        for l_1_t in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'phases'):
            _loop_vars = {}
            pass
            yield '<th class="num">'
            yield escape(environment.getattr(l_1_t, 'phase'))
            yield '</th>'
        l_1_t = missing
        yield '</tr></thead>\n  <tbody>\n    <tr><td>before</td>'
        for l_1_t in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'phases'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(environment.getattr(l_1_t, 'before'))
            yield ' / '
            yield escape(environment.getattr(l_1_t, 'total'))
            yield '</td>'
        l_1_t = missing
        yield '</tr>\n    <tr><td>now</td>'
        for l_1_t in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'phases'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(environment.getattr(l_1_t, 'now'))
            yield ' / '
            yield escape(environment.getattr(l_1_t, 'total'))
            yield '</td>'
        l_1_t = missing
        yield '</tr>\n  </tbody>\n</table>\n'
    else:
        pass
        yield '<p class="muted">No previous run to compare with: audits run with <code>--history</code> show the trend here and on the history page.</p>\n'
    yield '</div>\n'

blocks = {'content': block_content}
debug_info = '1=13&2=16&3=24&5=54&6=56&7=58&12=62&13=71&20=81&21=85&25=99&28=105&32=108&33=113&42=132&43=134&44=137&46=143&48=152&49=160&53=168&55=176&56=186'