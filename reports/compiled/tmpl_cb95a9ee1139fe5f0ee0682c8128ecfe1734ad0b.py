from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'index.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_severity = l_0_finding = missing
    pass
    parent_template = environment.get_template('run.html.j2', 'index.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    included_template = environment.get_template('macros.html.j2', 'index.html.j2')._get_default_module(context)
    l_0_severity = getattr(included_template, 'severity', missing)
    if l_0_severity is missing:
        l_0_severity = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'index.html.j2') does not export the requested name 'severity'", name='severity')
    l_0_finding = getattr(included_template, 'finding', missing)
    if l_0_finding is missing:
        l_0_finding = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'index.html.j2') does not export the requested name 'finding'", name='finding')
    context.vars.update({'severity': l_0_severity, 'finding': l_0_finding})
    context.exported_vars.difference_update(('severity', 'finding'))
    yield from parent_template.root_render_func(context)

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_outcome = resolve('outcome')
    l_0_phases = resolve('phases')
    l_0_coverage = resolve('coverage')
    l_0_as_of = resolve('as_of')
    l_0_severity_counts = resolve('severity_counts')
    l_0_waived = resolve('waived')
    l_0_expired_waivers = resolve('expired_waivers')
    l_0_keys_href = resolve('keys_href')
    l_0_statuses = resolve('statuses')
    l_0_targets = resolve('targets')
    l_0_errors = resolve('errors')
    l_0_unmapped = resolve('unmapped')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield '<div class="verdict '
    yield escape(environment.getattr((undefined(name='outcome') if l_0_outcome is missing else l_0_outcome), 'verdict_class'))
    yield '">\n  <strong>Exit code '
    yield escape(environment.getattr((undefined(name='outcome') if l_0_outcome is missing else l_0_outcome), 'exit_code'))
    yield '.</strong> '
    yield escape(environment.getattr((undefined(name='outcome') if l_0_outcome is missing else l_0_outcome), 'verdict'))
    yield '\n  <span class="muted">Blocking findings: '
    yield escape(environment.getattr((undefined(name='outcome') if l_0_outcome is missing else l_0_outcome), 'blocking'))
    yield '.</span>\n</div>\n\n<h2>Toolkit phases</h2>\n<div class="cards">\n'
    for l_1_phase in (undefined(name='phases') if l_0_phases is missing else l_0_phases):
        _loop_vars = {}
        pass
        yield '  <section class="card">\n    <h3><a href="'
        yield escape(environment.getattr(l_1_phase, 'href'))
        yield '">'
        yield escape(environment.getattr(l_1_phase, 'title'))
        yield '</a></h3>\n    <dl>\n      <dt>Measures in phase</dt><dd>'
        yield escape(t_1(environment.getattr(l_1_phase, 'measures')))
        yield '</dd>\n      <dt>With open findings</dt><dd>'
        yield escape(environment.getattr(l_1_phase, 'with_findings'))
        yield '</dd>\n      <dt>Evidenced</dt><dd>'
        yield escape(environment.getattr(l_1_phase, 'evidenced'))
        yield '</dd>\n      <dt>Only overdue attestations</dt><dd>'
        yield escape(environment.getattr(l_1_phase, 'overdue'))
        yield '</dd>\n      <dt>Not evidenced</dt><dd>'
        yield escape(environment.getattr(l_1_phase, 'not_evidenced'))
        yield '</dd>\n    </dl>\n  </section>\n'
    l_1_phase = missing
    yield '</div>\n\n<h2>Toolkit coverage</h2>\n<p><strong>'
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'evidenced'))
    yield ' of '
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'total'))
    yield '</strong> measures evidenced as in place ('
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'percent'))
    yield '%): a passing check or a current attestation, and no open finding.</p>\n<div class="meter" role="img" aria-label="'
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'evidenced'))
    yield ' of '
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'total'))
    yield ' measures evidenced"><span style="width: '
    yield escape(environment.getattr((undefined(name='coverage') if l_0_coverage is missing else l_0_coverage), 'percent'))
    yield '%"></span></div>\n<p class="muted">Attestations are judged as of the run date, '
    yield escape((undefined(name='as_of') if l_0_as_of is missing else l_0_as_of))
    yield '.</p>\n\n<h2>Open findings by severity</h2>\n<div class="table-wrap">\n<table>\n  <thead><tr>'
    for (l_1_sev, l_1_count) in (undefined(name='severity_counts') if l_0_severity_counts is missing else l_0_severity_counts):
        l_1_severity = resolve('severity')
        _loop_vars = {}
        pass
        yield '<th>'
        yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), l_1_sev, _loop_vars=_loop_vars))
        yield '</th>'
    l_1_sev = l_1_count = l_1_severity = missing
    yield '<th>Waived</th><th>Waiver expired (counted as open)</th></tr></thead>\n  <tbody><tr>'
    for (l_1_sev, l_1_count) in (undefined(name='severity_counts') if l_0_severity_counts is missing else l_0_severity_counts):
        _loop_vars = {}
        pass
        yield '<td class="num">'
        yield escape(l_1_count)
        yield '</td>'
    l_1_sev = l_1_count = missing
    yield '<td class="num">'
    yield escape((undefined(name='waived') if l_0_waived is missing else l_0_waived))
    yield '</td><td class="num">'
    yield escape((undefined(name='expired_waivers') if l_0_expired_waivers is missing else l_0_expired_waivers))
    yield '</td></tr></tbody>\n</table>\n</div>\n\n'
    if (undefined(name='keys_href') if l_0_keys_href is missing else l_0_keys_href):
        pass
        yield '<p class="keys-link"><a href="'
        yield escape((undefined(name='keys_href') if l_0_keys_href is missing else l_0_keys_href))
        yield '">SSH keys across the fleet</a>: which key opens which accounts on which hosts, revoked keys first.</p>'
    yield '\n<h2>Targets</h2>\n<div class="table-wrap">\n<table>\n  <thead>\n    <tr><th>Target</th><th>Kind</th>'
    for l_1_status in (undefined(name='statuses') if l_0_statuses is missing else l_0_statuses):
        _loop_vars = {}
        pass
        yield '<th class="num">'
        yield escape(l_1_status)
        yield '</th>'
    l_1_status = missing
    yield '<th class="num">open findings</th></tr>\n  </thead>\n  <tbody>\n'
    t_2 = 1
    for l_1_row in (undefined(name='targets') if l_0_targets is missing else l_0_targets):
        _loop_vars = {}
        pass
        yield '    <tr>\n      <td><strong>'
        yield escape(environment.getattr(l_1_row, 'name'))
        yield '</strong>'
        if (environment.getattr(l_1_row, 'address') and (environment.getattr(l_1_row, 'address') != environment.getattr(l_1_row, 'name'))):
            pass
            yield ' <span class="muted mono">'
            yield escape(environment.getattr(l_1_row, 'address'))
            yield '</span>'
        yield '</td>\n      <td>'
        yield escape(environment.getattr(l_1_row, 'kind'))
        yield '</td>\n'
        for l_2_count in environment.getattr(l_1_row, 'counts'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(l_2_count)
            yield '</td>'
        l_2_count = missing
        yield '      <td class="num">'
        yield escape(environment.getattr(l_1_row, 'open_findings'))
        yield '</td>\n    </tr>\n'
        t_2 = 0
    l_1_row = missing
    if t_2:
        pass
        yield '    <tr><td colspan="'
        yield escape((t_1((undefined(name='statuses') if l_0_statuses is missing else l_0_statuses)) + 3))
        yield '">No targets were audited.</td></tr>\n'
    yield '  </tbody>\n</table>\n</div>\n\n<h2 id="errors">Errors ('
    yield escape(t_1((undefined(name='errors') if l_0_errors is missing else l_0_errors)))
    yield ')</h2>\n'
    if (undefined(name='errors') if l_0_errors is missing else l_0_errors):
        pass
        yield '<p>These checks did not complete. The audit is incomplete: their absence of findings proves nothing.</p>\n<div class="table-wrap">\n<table>\n  <thead><tr><th>Check</th><th>Target</th><th>Reason</th></tr></thead>\n  <tbody>\n'
        for l_1_e in (undefined(name='errors') if l_0_errors is missing else l_0_errors):
            _loop_vars = {}
            pass
            yield '    <tr><td>'
            yield escape(environment.getattr(l_1_e, 'check_title'))
            yield ' <code class="muted">'
            yield escape(environment.getattr(l_1_e, 'check_id'))
            yield '</code></td><td>'
            yield escape(environment.getattr(l_1_e, 'target'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_e, 'reason'))
            yield '</td></tr>\n'
        l_1_e = missing
        yield '  </tbody>\n</table>\n</div>\n'
    else:
        pass
        yield '<p>No check ended in error.</p>\n'
    yield '\n'
    if (undefined(name='unmapped') if l_0_unmapped is missing else l_0_unmapped):
        pass
        yield '<h2 id="unmapped">Findings not mapped to a catalogue measure ('
        yield escape(t_1((undefined(name='unmapped') if l_0_unmapped is missing else l_0_unmapped)))
        yield ')</h2>\n<p>These findings name no measure of this catalogue, so no phase page lists them.</p>\n'
        for l_1_f in (undefined(name='unmapped') if l_0_unmapped is missing else l_0_unmapped):
            l_1_finding = resolve('finding')
            _loop_vars = {}
            pass
            yield escape(context.call((undefined(name='finding') if l_1_finding is missing else l_1_finding), l_1_f, _loop_vars=_loop_vars))
        l_1_f = l_1_finding = missing

blocks = {'content': block_content}
debug_info = '1=13&2=16&3=27&4=54&5=56&6=60&11=62&13=66&15=70&16=72&17=74&18=76&19=78&26=82&27=88&28=94&33=96&34=105&38=117&44=123&47=132&49=136&50=144&51=146&52=154&55=161&61=164&62=166&68=169&69=173&78=187&79=190&81=192'