from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'macros.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_severity = l_0_kv = l_0_finding = l_0_result_status = l_0_diff_section = l_0_filter_bar = l_0_waiver_flag = l_0_fix_group = l_0_reason_table = l_0_host_table = missing
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
        t_3 = environment.filters['reverse']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'reverse' found.")
    try:
        t_4 = environment.filters['sum']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'sum' found.")
    pass
    def macro(l_1_value):
        t_5 = []
        if l_1_value is missing:
            l_1_value = undefined("parameter 'value' was not provided", name='value')
        pass
        t_5.extend((
            '<span class="badge sev-',
            escape(l_1_value),
            '">',
            escape(l_1_value),
            '</span>',
        ))
        return concat(t_5)
    context.exported_vars.add('severity')
    context.vars['severity'] = l_0_severity = Macro(environment, macro, 'severity', ('value',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_pairs):
        t_6 = []
        if l_1_pairs is missing:
            l_1_pairs = undefined("parameter 'pairs' was not provided", name='pairs')
        pass
        if l_1_pairs:
            pass
            t_6.append(
                '<dl class="kv">\n',
            )
            for (l_2_key, l_2_value) in l_1_pairs:
                _loop_vars = {}
                pass
                t_6.extend((
                    '  <dt>',
                    escape(l_2_key),
                    '</dt><dd><code>',
                    escape(l_2_value),
                    '</code></dd>\n',
                ))
            l_2_key = l_2_value = missing
            t_6.append(
                '</dl>\n',
            )
        return concat(t_6)
    context.exported_vars.add('kv')
    context.vars['kv'] = l_0_kv = Macro(environment, macro, 'kv', ('pairs',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_f, l_1_full):
        t_7 = []
        if l_1_f is missing:
            l_1_f = undefined("parameter 'f' was not provided", name='f')
        if l_1_full is missing:
            l_1_full = True
        pass
        t_7.extend((
            '<div class="item finding" data-severity="',
            escape(environment.getattr(l_1_f, 'severity')),
            '" data-target="',
            escape(environment.getattr(l_1_f, 'target')),
            '" data-owner="',
            escape(environment.getattr(l_1_f, 'owner')),
            '">\n  <div class="item-head">\n    ',
            escape(context.call((undefined(name='severity') if l_0_severity is missing else l_0_severity), environment.getattr(l_1_f, 'severity'))),
            '\n    <strong>',
            escape(environment.getattr(l_1_f, 'target')),
            '</strong>\n    <span>',
        ))
        if environment.getattr(l_1_f, 'check_title'):
            pass
            t_7.extend((
                escape(environment.getattr(l_1_f, 'check_title')),
                ' ',
            ))
        t_7.extend((
            '<code class="muted">',
            escape(environment.getattr(l_1_f, 'check_id')),
            '</code></span>\n    <code>',
            escape(environment.getattr(l_1_f, 'resource')),
            '</code>\n  </div>\n  <p>',
            escape(environment.getattr(l_1_f, 'message')),
            '</p>\n',
        ))
        if (environment.getattr(l_1_f, 'state') == 'expired'):
            pass
            t_7.extend((
                '  <span class="flag">Waiver expired on ',
                escape(environment.getattr(l_1_f, 'waiver_expires')),
                ': this finding counts as open again (was waived by ',
                escape(environment.getattr(l_1_f, 'waiver_owner')),
                ': ',
                escape(environment.getattr(l_1_f, 'waiver_justification')),
                ').</span>\n',
            ))
        elif (environment.getattr(l_1_f, 'state') == 'waived'):
            pass
            t_7.extend((
                '  <span class="flag waived">Waived by ',
                escape(environment.getattr(l_1_f, 'waiver_owner')),
                ' until ',
                escape(environment.getattr(l_1_f, 'waiver_expires')),
                ': ',
                escape(environment.getattr(l_1_f, 'waiver_justification')),
                '</span>\n',
            ))
        if l_1_full:
            pass
            t_7.extend((
                '  ',
                escape(context.call((undefined(name='kv') if l_0_kv is missing else l_0_kv), environment.getattr(l_1_f, 'evidence'))),
                '\n',
            ))
            if environment.getattr(l_1_f, 'remediation'):
                pass
                t_7.extend((
                    '<p><span class="muted">Remediation:</span> ',
                    escape(environment.getattr(l_1_f, 'remediation')),
                    '</p>',
                ))
        else:
            pass
            if environment.getattr(l_1_f, 'measures'):
                pass
                t_7.extend((
                    '<p class="muted">Measures: ',
                    escape(t_1(context.eval_ctx, environment.getattr(l_1_f, 'measures'), ', ')),
                    '</p>',
                ))
        t_7.append(
            '</div>\n',
        )
        return concat(t_7)
    context.exported_vars.add('finding')
    context.vars['finding'] = l_0_finding = Macro(environment, macro, 'finding', ('f', 'full'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_status):
        t_8 = []
        if l_1_status is missing:
            l_1_status = undefined("parameter 'status' was not provided", name='status')
        pass
        t_8.extend((
            '<span class="badge rs-',
            escape(l_1_status),
            '">',
            escape(l_1_status),
            '</span>',
        ))
        return concat(t_8)
    context.exported_vars.add('result_status')
    context.vars['result_status'] = l_0_result_status = Macro(environment, macro, 'result_status', ('status',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s):
        t_9 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        pass
        if (not environment.getattr(l_1_s, 'items')):
            pass
            t_9.extend((
                '<p class="muted">',
                escape(environment.getattr(l_1_s, 'empty_text')),
                '</p>\n',
            ))
        elif (environment.getattr(l_1_s, 'kind') == 'findings'):
            pass
            for l_2_f in environment.getattr(l_1_s, 'items'):
                _loop_vars = {}
                pass
                t_9.append(
                    escape(context.call((undefined(name='finding') if l_0_finding is missing else l_0_finding), l_2_f, full=False, _loop_vars=_loop_vars)),
                )
            l_2_f = missing
        elif ((environment.getattr(l_1_s, 'kind') == 'severity') or (environment.getattr(l_1_s, 'kind') == 'waiver')):
            pass
            for l_2_c in environment.getattr(l_1_s, 'items'):
                _loop_vars = {}
                pass
                t_9.append(
                    '<div class="item">\n  <p><strong>',
                )
                if (environment.getattr(l_1_s, 'kind') == 'severity'):
                    pass
                    t_9.extend((
                        escape(context.call((undefined(name='severity') if l_0_severity is missing else l_0_severity), environment.getattr(l_2_c, 'old'), _loop_vars=_loop_vars)),
                        ' → ',
                        escape(context.call((undefined(name='severity') if l_0_severity is missing else l_0_severity), environment.getattr(l_2_c, 'new'), _loop_vars=_loop_vars)),
                    ))
                else:
                    pass
                    t_9.extend((
                        'waiver: ',
                        escape(environment.getattr(l_2_c, 'old')),
                        ' → ',
                        escape(environment.getattr(l_2_c, 'new')),
                    ))
                t_9.extend((
                    '</strong></p>\n  ',
                    escape(context.call((undefined(name='finding') if l_0_finding is missing else l_0_finding), environment.getattr(l_2_c, 'finding'), full=False, _loop_vars=_loop_vars)),
                    '\n</div>\n',
                ))
            l_2_c = missing
        elif (environment.getattr(l_1_s, 'kind') == 'status'):
            pass
            t_9.append(
                '<div class="table-wrap">\n<table>\n  <thead><tr><th>Check</th><th>Target</th><th>Before</th><th>After</th><th>Reason</th></tr></thead>\n  <tbody>\n',
            )
            for l_2_c in environment.getattr(l_1_s, 'items'):
                _loop_vars = {}
                pass
                t_9.extend((
                    '    <tr><td><code>',
                    escape(environment.getattr(l_2_c, 'check_id')),
                    '</code></td><td>',
                    escape(environment.getattr(l_2_c, 'target')),
                    '</td><td>',
                    escape(context.call((undefined(name='result_status') if l_0_result_status is missing else l_0_result_status), environment.getattr(l_2_c, 'old'), _loop_vars=_loop_vars)),
                    '</td><td>',
                    escape(context.call((undefined(name='result_status') if l_0_result_status is missing else l_0_result_status), environment.getattr(l_2_c, 'new'), _loop_vars=_loop_vars)),
                    '</td><td>',
                    escape(environment.getattr(l_2_c, 'reason')),
                    '</td></tr>\n',
                ))
            l_2_c = missing
            t_9.append(
                '  </tbody>\n</table>\n</div>\n',
            )
        return concat(t_9)
    context.exported_vars.add('diff_section')
    context.vars['diff_section'] = l_0_diff_section = Macro(environment, macro, 'diff_section', ('s',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_filters):
        t_10 = []
        if l_1_filters is missing:
            l_1_filters = undefined("parameter 'filters' was not provided", name='filters')
        pass
        t_10.extend((
            '<form id="filters" class="filters" hidden aria-label="Filter findings" data-counts="',
            escape(environment.getattr(l_1_filters, 'counts')),
            '" data-total="',
            escape(environment.getattr(l_1_filters, 'total')),
            '">\n  <label>Severity at least\n    <select name="severity">',
        ))
        for l_2_s in t_3(environment.getattr(l_1_filters, 'severities')):
            _loop_vars = {}
            pass
            t_10.extend((
                '<option value="',
                escape(l_2_s),
                '">',
                escape(l_2_s),
                '</option>',
            ))
        l_2_s = missing
        t_10.append(
            '</select>\n  </label>\n  <label>Target\n    <select name="target"><option value="">all</option>',
        )
        for l_2_t in environment.getattr(l_1_filters, 'targets'):
            _loop_vars = {}
            pass
            t_10.extend((
                '<option value="',
                escape(environment.getattr(l_2_t, 'value')),
                '" data-counts="',
                escape(environment.getattr(l_2_t, 'counts')),
                '" data-owner="',
                escape(environment.getattr(l_2_t, 'owner')),
                '">',
                escape(environment.getattr(l_2_t, 'value')),
                '</option>',
            ))
        l_2_t = missing
        t_10.append(
            '</select>\n  </label>\n  <label>Owner\n    <select name="owner"><option value="">all</option>',
        )
        for l_2_o in environment.getattr(l_1_filters, 'owners'):
            _loop_vars = {}
            pass
            t_10.extend((
                '<option value="',
                escape(environment.getattr(l_2_o, 'value')),
                '" data-counts="',
                escape(environment.getattr(l_2_o, 'counts')),
                '">',
                escape(environment.getattr(l_2_o, 'value')),
                '</option>',
            ))
        l_2_o = missing
        t_10.append(
            '</select>\n  </label>\n  <output id="filter-count" aria-live="polite"></output>\n</form>\n',
        )
        return concat(t_10)
    context.exported_vars.add('filter_bar')
    context.vars['filter_bar'] = l_0_filter_bar = Macro(environment, macro, 'filter_bar', ('filters',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_f):
        t_11 = []
        if l_1_f is missing:
            l_1_f = undefined("parameter 'f' was not provided", name='f')
        pass
        if (environment.getattr(l_1_f, 'state') == 'expired'):
            pass
            t_11.extend((
                '<span class="flag">Waiver expired on ',
                escape(environment.getattr(l_1_f, 'waiver_expires')),
                ': this finding counts as open again (was waived by ',
                escape(environment.getattr(l_1_f, 'waiver_owner')),
                ': ',
                escape(environment.getattr(l_1_f, 'waiver_justification')),
                ').</span>\n',
            ))
        elif (environment.getattr(l_1_f, 'state') == 'waived'):
            pass
            t_11.extend((
                '<span class="flag waived">Waived by ',
                escape(environment.getattr(l_1_f, 'waiver_owner')),
                ' until ',
                escape(environment.getattr(l_1_f, 'waiver_expires')),
                ': ',
                escape(environment.getattr(l_1_f, 'waiver_justification')),
                '</span>\n',
            ))
        return concat(t_11)
    context.exported_vars.add('waiver_flag')
    context.vars['waiver_flag'] = l_0_waiver_flag = Macro(environment, macro, 'waiver_flag', ('f',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_g, l_1_host_files, l_1_limit):
        t_12 = []
        if l_1_g is missing:
            l_1_g = undefined("parameter 'g' was not provided", name='g')
        if l_1_host_files is missing:
            l_1_host_files = undefined("parameter 'host_files' was not provided", name='host_files')
        if l_1_limit is missing:
            l_1_limit = 25
        pass
        t_12.extend((
            '<div class="item fix" data-count="',
            escape(environment.getattr(l_1_g, 'count')),
            '">\n  <div class="item-head">\n    ',
            escape(context.call((undefined(name='severity') if l_0_severity is missing else l_0_severity), environment.getattr(l_1_g, 'severity'))),
            '\n    <strong>',
            escape(environment.getattr(l_1_g, 'check_title')),
            '</strong> <code class="muted">',
            escape(environment.getattr(l_1_g, 'check_id')),
            '</code>\n    <span class="fix-count">',
            escape(environment.getattr(l_1_g, 'count')),
            ' finding',
        ))
        if (environment.getattr(l_1_g, 'count') != 1):
            pass
            t_12.append(
                's',
            )
        t_12.append(
            '</span>\n    <span>on ',
        )
        if (t_2(environment.getattr(l_1_g, 'targets')) == 1):
            pass
            if l_1_host_files:
                pass
                t_12.extend((
                    '<a href="',
                    escape(environment.getitem(l_1_host_files, environment.getitem(environment.getattr(l_1_g, 'targets'), 0))),
                    '">',
                    escape(environment.getitem(environment.getattr(l_1_g, 'targets'), 0)),
                    '</a>',
                ))
            else:
                pass
                t_12.append(
                    escape(environment.getitem(environment.getattr(l_1_g, 'targets'), 0)),
                )
        else:
            pass
            t_12.extend((
                escape(t_2(environment.getattr(l_1_g, 'targets'))),
                ' hosts',
            ))
        t_12.append(
            '</span>\n',
        )
        if (t_2(environment.getattr(l_1_g, 'severities')) > 1):
            pass
            t_12.append(
                '<span class="muted">(',
            )
            l_2_loop = missing
            for (l_2_sev, l_2_n), l_2_loop in LoopContext(environment.getattr(l_1_g, 'severities'), undefined):
                _loop_vars = {}
                pass
                t_12.extend((
                    escape(l_2_n),
                    ' ',
                    escape(l_2_sev),
                ))
                if (not environment.getattr(l_2_loop, 'last')):
                    pass
                    t_12.append(
                        ', ',
                    )
            l_2_loop = l_2_sev = l_2_n = missing
            t_12.append(
                ')</span>',
            )
        t_12.append(
            '  </div>\n',
        )
        if environment.getattr(l_1_g, 'remediation'):
            pass
            t_12.extend((
                '<p><span class="muted">Fix:</span> ',
                escape(environment.getattr(l_1_g, 'remediation')),
                '</p>',
            ))
        if (t_2(environment.getattr(l_1_g, 'targets')) > 1):
            pass
            t_12.append(
                '  <p class="muted">Hosts: ',
            )
            l_2_loop = missing
            for l_2_t, l_2_loop in LoopContext(environment.getattr(l_1_g, 'targets')[:10], undefined):
                _loop_vars = {}
                pass
                t_12.extend((
                    '<a href="',
                    escape(environment.getitem(l_1_host_files, l_2_t)),
                    '">',
                    escape(l_2_t),
                    '</a>',
                ))
                if (not environment.getattr(l_2_loop, 'last')):
                    pass
                    t_12.append(
                        ', ',
                    )
            l_2_loop = l_2_t = missing
            if (t_2(environment.getattr(l_1_g, 'targets')) > 10):
                pass
                t_12.extend((
                    ' and ',
                    escape((t_2(environment.getattr(l_1_g, 'targets')) - 10)),
                    ' more',
                ))
            t_12.append(
                '.</p>\n',
            )
        if (environment.getattr(l_1_g, 'count') > 1):
            pass
            t_12.extend((
                '<details><summary>The ',
                escape(environment.getattr(l_1_g, 'count')),
                ' findings (',
                escape(t_2(environment.getattr(l_1_g, 'resources'))),
                ' resource',
            ))
            if (t_2(environment.getattr(l_1_g, 'resources')) != 1):
                pass
                t_12.append(
                    's',
                )
            t_12.append(
                ')</summary>',
            )
        t_12.append(
            '  <ul class="members">\n',
        )
        for l_2_f in context.call(environment.getattr(l_1_g, 'shown'), l_1_limit):
            _loop_vars = {}
            pass
            t_12.extend((
                '    <li data-severity="',
                escape(environment.getattr(l_2_f, 'severity')),
                '" data-target="',
                escape(environment.getattr(l_2_f, 'target')),
                '" data-owner="',
                escape(environment.getattr(l_2_f, 'owner')),
                '" data-id="',
                escape(environment.getattr(l_2_f, 'fingerprint')),
                '"><span class="badge sev-',
                escape(environment.getattr(l_2_f, 'severity')),
                '">',
                escape(environment.getattr(l_2_f, 'severity')),
                '</span> ',
            ))
            if l_1_host_files:
                pass
                t_12.extend((
                    '<a href="',
                    escape(environment.getitem(l_1_host_files, environment.getattr(l_2_f, 'target'))),
                    '">',
                    escape(environment.getattr(l_2_f, 'target')),
                    '</a>',
                ))
            else:
                pass
                t_12.append(
                    escape(environment.getattr(l_2_f, 'target')),
                )
            t_12.extend((
                ' <code>',
                escape(environment.getattr(l_2_f, 'resource')),
                '</code> ',
                escape(environment.getattr(l_2_f, 'message')),
            ))
            if environment.getattr(l_2_f, 'evidence'):
                pass
                t_12.append(
                    ' <span class="muted evidence">',
                )
                for (l_3_key, l_3_value) in environment.getattr(l_2_f, 'evidence'):
                    _loop_vars = {}
                    pass
                    t_12.extend((
                        '<span>',
                        escape(l_3_key),
                        ': <code>',
                        escape(l_3_value),
                        '</code></span>',
                    ))
                l_3_key = l_3_value = missing
                t_12.append(
                    '</span>',
                )
            if (environment.getattr(l_2_f, 'state') != 'open'):
                pass
                t_12.append(
                    escape(context.call((undefined(name='waiver_flag') if l_0_waiver_flag is missing else l_0_waiver_flag), l_2_f, _loop_vars=_loop_vars)),
                )
            t_12.append(
                '</li>\n',
            )
        l_2_f = missing
        t_12.append(
            '  </ul>\n',
        )
        if (environment.getattr(l_1_g, 'count') > 1):
            pass
            if (environment.getattr(l_1_g, 'count') > l_1_limit):
                pass
                t_12.extend((
                    '<p class="muted">',
                    escape((environment.getattr(l_1_g, 'count') - l_1_limit)),
                    " more: each is on its host's page and in <code>findings.csv</code>.</p>",
                ))
            t_12.append(
                '  </details>\n',
            )
        t_12.append(
            '</div>\n',
        )
        return concat(t_12)
    context.exported_vars.add('fix_group')
    context.vars['fix_group'] = l_0_fix_group = Macro(environment, macro, 'fix_group', ('g', 'host_files', 'limit'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_rows, l_1_total):
        t_13 = []
        l_1_listed = missing
        if l_1_rows is missing:
            l_1_rows = undefined("parameter 'rows' was not provided", name='rows')
        if l_1_total is missing:
            l_1_total = undefined("parameter 'total' was not provided", name='total')
        pass
        t_13.append(
            '<div class="table-wrap">\n<table>\n  <thead><tr><th>Status</th><th>Reason</th><th class="num">Results</th><th>Checks</th><th>Targets</th></tr></thead>\n  <tbody>\n',
        )
        for l_2_r in l_1_rows:
            _loop_vars = {}
            pass
            t_13.extend((
                '    <tr><td>',
                escape(context.call((undefined(name='result_status') if l_0_result_status is missing else l_0_result_status), environment.getattr(l_2_r, 'status'), _loop_vars=_loop_vars)),
                '</td><td>',
                escape((environment.getattr(l_2_r, 'reason') or 'no reason given')),
                '</td><td class="num">',
                escape(environment.getattr(l_2_r, 'count')),
                '</td>\n      <td>',
                escape(t_1(context.eval_ctx, environment.getattr(l_2_r, 'checks')[:8], ', ')),
            ))
            if (t_2(environment.getattr(l_2_r, 'checks')) > 8):
                pass
                t_13.extend((
                    ' and ',
                    escape((t_2(environment.getattr(l_2_r, 'checks')) - 8)),
                    ' more',
                ))
            t_13.extend((
                '</td>\n      <td>',
                escape(t_1(context.eval_ctx, environment.getattr(l_2_r, 'targets'), ', ')),
            ))
            if (environment.getattr(l_2_r, 'targets_total') > t_2(environment.getattr(l_2_r, 'targets'))):
                pass
                t_13.extend((
                    ' and ',
                    escape((environment.getattr(l_2_r, 'targets_total') - t_2(environment.getattr(l_2_r, 'targets')))),
                    ' more',
                ))
            t_13.append(
                '</td></tr>\n',
            )
        l_2_r = missing
        t_13.append(
            '  </tbody>\n</table>\n</div>\n',
        )
        l_1_listed = t_4(environment, l_1_rows, attribute='count')
        if (l_1_total > (undefined(name='listed') if l_1_listed is missing else l_1_listed)):
            pass
            t_13.extend((
                '<p class="muted">',
                escape((l_1_total - (undefined(name='listed') if l_1_listed is missing else l_1_listed))),
                ' more results for other reasons are in <code>snapshot.json</code>.</p>',
            ))
        return concat(t_13)
    context.exported_vars.add('reason_table')
    context.vars['reason_table'] = l_0_reason_table = Macro(environment, macro, 'reason_table', ('rows', 'total'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_rows, l_1_severities):
        t_14 = []
        if l_1_rows is missing:
            l_1_rows = undefined("parameter 'rows' was not provided", name='rows')
        if l_1_severities is missing:
            l_1_severities = undefined("parameter 'severities' was not provided", name='severities')
        pass
        t_14.append(
            '<div class="table-wrap">\n<table>\n  <thead><tr><th>Host</th><th>Owner</th>',
        )
        for l_2_s in l_1_severities:
            _loop_vars = {}
            pass
            t_14.extend((
                '<th class="num">',
                escape(context.call((undefined(name='severity') if l_0_severity is missing else l_0_severity), l_2_s, _loop_vars=_loop_vars)),
                '</th>',
            ))
        l_2_s = missing
        t_14.append(
            '<th class="num">waived</th></tr></thead>\n  <tbody>\n',
        )
        for l_2_row in l_1_rows:
            _loop_vars = {}
            pass
            t_14.extend((
                '    <tr><td><a href="',
                escape(environment.getattr(l_2_row, 'file')),
                '">',
                escape(environment.getattr(l_2_row, 'name')),
                '</a></td><td>',
            ))
            if environment.getattr(l_2_row, 'owner'):
                pass
                t_14.extend((
                    '<a href="',
                    escape(environment.getattr(l_2_row, 'owner_file')),
                    '">',
                    escape(environment.getattr(l_2_row, 'owner')),
                    '</a>',
                ))
            t_14.append(
                '</td>\n',
            )
            for l_3_count in environment.getattr(l_2_row, 'severities'):
                _loop_vars = {}
                pass
                t_14.extend((
                    '<td class="num">',
                    escape(l_3_count),
                    '</td>',
                ))
            l_3_count = missing
            t_14.extend((
                '<td class="num">',
                escape(environment.getattr(l_2_row, 'waived')),
                '</td></tr>\n',
            ))
        l_2_row = missing
        t_14.append(
            '  </tbody>\n</table>\n</div>\n',
        )
        return concat(t_14)
    context.exported_vars.add('host_table')
    context.vars['host_table'] = l_0_host_table = Macro(environment, macro, 'host_table', ('rows', 'severities'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '1=36&3=52&4=57&6=62&7=67&13=80&14=89&16=95&17=97&18=100&19=110&21=112&22=115&23=119&24=126&25=130&27=137&28=141&29=144&31=153&36=167&38=183&39=188&40=192&41=195&42=197&43=204&44=206&46=212&47=229&50=233&55=238&56=243&64=262&65=269&67=274&70=288&73=306&79=326&80=331&81=335&82=342&83=346&91=357&92=368&94=370&95=372&96=376&97=387&98=412&100=438&101=445&102=451&104=477&106=497&107=502&110=566&111=568&117=585&122=596&123=601&124=607&125=618&130=634&131=635&134=646&137=656&139=668&140=673&141=690'