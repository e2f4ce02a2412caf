from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'index.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_severity = l_0_finding = l_0_host_table = l_0_reason_table = l_0_risk_table = missing
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
    l_0_host_table = getattr(included_template, 'host_table', missing)
    if l_0_host_table is missing:
        l_0_host_table = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'index.html.j2') does not export the requested name 'host_table'", name='host_table')
    l_0_reason_table = getattr(included_template, 'reason_table', missing)
    if l_0_reason_table is missing:
        l_0_reason_table = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'index.html.j2') does not export the requested name 'reason_table'", name='reason_table')
    context.vars.update({'severity': l_0_severity, 'finding': l_0_finding, 'host_table': l_0_host_table, 'reason_table': l_0_reason_table})
    context.exported_vars.difference_update(('severity', 'finding', 'host_table', 'reason_table'))
    def macro(l_1_groups):
        t_1 = []
        if l_1_groups is missing:
            l_1_groups = undefined("parameter 'groups' was not provided", name='groups')
        pass
        t_1.append(
            '<div class="table-wrap">\n<table class="risks">\n  <thead><tr><th>Severity</th><th>Fix</th><th class="num">Findings</th><th class="num">Hosts</th><th>Where</th></tr></thead>\n  <tbody>\n',
        )
        l_2_loop = missing
        for l_2_g, l_2_loop in LoopContext(l_1_groups, undefined):
            _loop_vars = {}
            pass
            t_1.extend((
                '    <tr><td>',
                escape(context.call((undefined(name='severity') if l_0_severity is missing else l_0_severity), environment.getattr(l_2_g, 'severity'), _loop_vars=_loop_vars)),
                '</td><td>',
                escape(environment.getattr(l_2_g, 'check_title')),
                ' <code class="muted">',
                escape(environment.getattr(l_2_g, 'check_id')),
                '</code>',
            ))
            if environment.getattr(l_2_g, 'remediation'):
                pass
                t_1.extend((
                    '<br><span class="muted">',
                    escape(environment.getattr(l_2_g, 'remediation')),
                    '</span>',
                ))
            t_1.extend((
                '</td>\n      <td class="num">',
                escape(environment.getattr(l_2_g, 'count')),
                '</td><td class="num">',
                escape(environment.getattr(l_2_g, 'target_count')),
                '</td>\n      <td>',
            ))
            l_3_loop = missing
            for l_3_t, l_3_loop in LoopContext(environment.getattr(l_2_g, 'targets')[:5], undefined):
                l_3_host_files = resolve('host_files')
                _loop_vars = {}
                pass
                t_1.extend((
                    '<a href="',
                    escape(environment.getitem((undefined(name='host_files') if l_3_host_files is missing else l_3_host_files), l_3_t)),
                    '">',
                    escape(l_3_t),
                    '</a>',
                ))
                if (not environment.getattr(l_3_loop, 'last')):
                    pass
                    t_1.append(
                        ', ',
                    )
            l_3_loop = l_3_t = l_3_host_files = missing
            if (environment.getattr(l_2_g, 'target_count') > 5):
                pass
                t_1.extend((
                    ' and ',
                    escape((environment.getattr(l_2_g, 'target_count') - 5)),
                    ' more',
                ))
            t_1.append(
                '</td></tr>\n',
            )
        l_2_loop = l_2_g = missing
        t_1.append(
            '  </tbody>\n</table>\n</div>\n',
        )
        return concat(t_1)
    context.exported_vars.add('risk_table')
    context.vars['risk_table'] = l_0_risk_table = Macro(environment, macro, 'risk_table', ('groups',), False, False, False, context.eval_ctx.autoescape)
    yield from parent_template.root_render_func(context)

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_outcome = resolve('outcome')
    l_0_overview = resolve('overview')
    l_0_risk_table = resolve('risk_table')
    l_0_host_table = resolve('host_table')
    l_0_severities = resolve('severities')
    l_0_hosts_total = resolve('hosts_total')
    l_0_c = resolve('c')
    l_0_phases = resolve('phases')
    l_0_coverage = resolve('coverage')
    l_0_as_of = resolve('as_of')
    l_0_severity_counts = resolve('severity_counts')
    l_0_waived = resolve('waived')
    l_0_expired_waivers = resolve('expired_waivers')
    l_0_keys_href = resolve('keys_href')
    l_0_errors_total = resolve('errors_total')
    l_0_errors = resolve('errors')
    l_0_reason_table = resolve('reason_table')
    l_0_unmapped = resolve('unmapped')
    l_0_unmapped_total = resolve('unmapped_total')
    try:
        t_2 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
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
    yield '.</span>\n</div>\n\n'
    if environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking'):
        pass
        yield '<h2 id="blocking">Blocking findings ('
        yield escape(environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking_total'))
        yield ' in '
        yield escape(environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking_fixes'))
        yield ' fix'
        if (environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking_fixes') != 1):
            pass
            yield 'es'
        yield ")</h2>\n<p>Open findings at or above the profile's threshold ("
        yield escape(environment.getattr((undefined(name='outcome') if l_0_outcome is missing else l_0_outcome), 'fail_on'))
        yield '), worst first, grouped by the change that fixes them.</p>\n'
        for l_1_g in environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking'):
            l_1_fix_group = resolve('fix_group')
            l_1_host_files = resolve('host_files')
            _loop_vars = {}
            pass
            yield escape(context.call((undefined(name='fix_group') if l_1_fix_group is missing else l_1_fix_group), l_1_g, (undefined(name='host_files') if l_1_host_files is missing else l_1_host_files), 10, _loop_vars=_loop_vars))
        l_1_g = l_1_fix_group = l_1_host_files = missing
        if (environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking_fixes') > t_3(environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking'))):
            pass
            yield '<p class="flag">'
            yield escape((environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking_fixes') - t_3(environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'blocking'))))
            yield ' more blocking fixes are on the phase and host pages.</p>\n'
    yield '\n<h2 id="top-risks">Top risks</h2>\n'
    if environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'top_risks'):
        pass
        yield '<p>The '
        yield escape(t_3(environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'top_risks')))
        yield ' worst of '
        yield escape(environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'risk_fixes'))
        yield ' open fixes: by severity, then by how many hosts share them.</p>\n'
        yield escape(context.call((undefined(name='risk_table') if l_0_risk_table is missing else l_0_risk_table), environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'top_risks'), _block_vars=_block_vars))
        yield '\n'
    else:
        pass
        yield '<p>No open findings.</p>\n'
    yield '\n<h2 id="worst-hosts">Hosts with the most severe open findings</h2>\n'
    if environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'worst_hosts'):
        pass
        yield escape(context.call((undefined(name='host_table') if l_0_host_table is missing else l_0_host_table), environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'worst_hosts'), (undefined(name='severities') if l_0_severities is missing else l_0_severities), _block_vars=_block_vars))
        yield '\n'
    else:
        pass
        yield '<p>No host has open findings.</p>\n'
    yield '<p><a href="hosts.html">All '
    yield escape((undefined(name='hosts_total') if l_0_hosts_total is missing else l_0_hosts_total))
    yield ' hosts and their owners</a>, each with its own page.</p>\n\n'
    if environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'changes'):
        pass
        l_0_c = environment.getattr((undefined(name='overview') if l_0_overview is missing else l_0_overview), 'changes')
        _block_vars['c'] = l_0_c
        yield '<h2 id="changes">Since the previous run</h2>\n<p>Compared with the run of '
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'previous_run'))
        yield ': <strong>'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'new_total'))
        yield '</strong> new open findings, <strong>'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'resolved_total'))
        yield '</strong> resolved.</p>\n<div class="table-wrap">\n<table class="changes">\n  <thead><tr><th>Open findings</th>'
        for l_1_s in (undefined(name='severities') if l_0_severities is missing else l_0_severities):
            l_1_severity = resolve('severity')
            _loop_vars = {}
            pass
            yield '<th class="num">'
            yield escape(context.call((undefined(name='severity') if l_1_severity is missing else l_1_severity), l_1_s, _loop_vars=_loop_vars))
            yield '</th>'
        l_1_s = l_1_severity = missing
        yield '</tr></thead>\n  <tbody>\n    <tr><td>previous run</td>'
        for (l_1_b, l_1_n, l_1_d) in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'severity_rows'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(l_1_b)
            yield '</td>'
        l_1_b = l_1_n = l_1_d = missing
        yield '</tr>\n    <tr><td>this run</td>'
        for (l_1_b, l_1_n, l_1_d) in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'severity_rows'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(l_1_n)
            yield '</td>'
        l_1_b = l_1_n = l_1_d = missing
        yield '</tr>\n    <tr><td>change</td>'
        for (l_1_b, l_1_n, l_1_d) in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'severity_rows'):
            _loop_vars = {}
            pass
            yield '<td class="num">'
            yield escape(t_2('%+d', l_1_d))
            yield '</td>'
        l_1_b = l_1_n = l_1_d = missing
        yield '</tr>\n  </tbody>\n</table>\n</div>\n'
        if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'new_groups'):
            pass
            yield '<h3>Worst new fixes</h3>\n'
            yield escape(context.call((undefined(name='risk_table') if l_0_risk_table is missing else l_0_risk_table), environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'new_groups'), _block_vars=_block_vars))
            yield '\n'
    yield '\n<h2>Toolkit phases</h2>\n<div class="cards">\n'
    for l_1_phase in (undefined(name='phases') if l_0_phases is missing else l_0_phases):
        _loop_vars = {}
        pass
        yield '  <section class="card">\n    <h3><a href="'
        yield escape(environment.getattr(l_1_phase, 'href'))
        yield '">'
        yield escape(environment.getattr(l_1_phase, 'title'))
        yield '</a></h3>\n    <dl>\n      <dt>Measures in phase</dt><dd>'
        yield escape(t_3(environment.getattr(l_1_phase, 'measures')))
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
    yield '.</p>\n\n<h2>Open findings by severity</h2>\n<div class="table-wrap">\n<table id="severity-counts">\n  <thead><tr>'
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
    yield '\n<h2 id="errors">Errors ('
    yield escape((undefined(name='errors_total') if l_0_errors_total is missing else l_0_errors_total))
    yield ')</h2>\n'
    if (undefined(name='errors') if l_0_errors is missing else l_0_errors):
        pass
        yield '<p>These checks did not complete. The audit is incomplete: their absence of findings proves nothing.</p>\n'
        yield escape(context.call((undefined(name='reason_table') if l_0_reason_table is missing else l_0_reason_table), (undefined(name='errors') if l_0_errors is missing else l_0_errors), (undefined(name='errors_total') if l_0_errors_total is missing else l_0_errors_total), _block_vars=_block_vars))
        yield '\n'
    else:
        pass
        yield '<p>No check ended in error.</p>\n'
    yield '\n'
    if (undefined(name='unmapped') if l_0_unmapped is missing else l_0_unmapped):
        pass
        yield '<h2 id="unmapped">Findings not mapped to a catalogue measure ('
        yield escape((undefined(name='unmapped_total') if l_0_unmapped_total is missing else l_0_unmapped_total))
        yield ')</h2>\n<p>These findings name no measure of this catalogue, so no phase page lists them.'
        if ((undefined(name='unmapped_total') if l_0_unmapped_total is missing else l_0_unmapped_total) > t_3((undefined(name='unmapped') if l_0_unmapped is missing else l_0_unmapped))):
            pass
            yield ' The '
            yield escape(t_3((undefined(name='unmapped') if l_0_unmapped is missing else l_0_unmapped)))
            yield ' most severe are shown; all are on their host pages.'
        yield '</p>\n'
        for l_1_f in (undefined(name='unmapped') if l_0_unmapped is missing else l_0_unmapped):
            l_1_finding = resolve('finding')
            _loop_vars = {}
            pass
            yield escape(context.call((undefined(name='finding') if l_1_finding is missing else l_1_finding), l_1_f, _loop_vars=_loop_vars))
        l_1_f = l_1_finding = missing

blocks = {'content': block_content}
debug_info = '1=13&2=16&3=31&8=40&9=45&10=61&11=67&17=103&18=143&19=145&20=149&23=151&24=154&25=162&26=164&27=171&28=174&33=177&34=180&35=184&41=190&42=192&46=198&48=200&49=202&51=205&54=211&56=220&57=228&58=236&62=244&64=247&70=250&72=254&74=258&75=260&76=262&77=264&78=266&85=270&86=276&87=282&92=284&93=293&97=305&99=311&100=313&102=316&107=322&108=325&109=327&110=333'