from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'macros.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_severity = l_0_kv = l_0_finding = l_0_result_status = l_0_diff_section = l_0_filter_bar = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['reverse']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'reverse' found.")
    pass
    def macro(l_1_value):
        t_3 = []
        if l_1_value is missing:
            l_1_value = undefined("parameter 'value' was not provided", name='value')
        pass
        t_3.extend((
            '<span class="badge sev-',
            escape(l_1_value),
            '">',
            escape(l_1_value),
            '</span>',
        ))
        return concat(t_3)
    context.exported_vars.add('severity')
    context.vars['severity'] = l_0_severity = Macro(environment, macro, 'severity', ('value',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_pairs):
        t_4 = []
        if l_1_pairs is missing:
            l_1_pairs = undefined("parameter 'pairs' was not provided", name='pairs')
        pass
        if l_1_pairs:
            pass
            t_4.append(
                '<dl class="kv">\n',
            )
            for (l_2_key, l_2_value) in l_1_pairs:
                _loop_vars = {}
                pass
                t_4.extend((
                    '  <dt>',
                    escape(l_2_key),
                    '</dt><dd><code>',
                    escape(l_2_value),
                    '</code></dd>\n',
                ))
            l_2_key = l_2_value = missing
            t_4.append(
                '</dl>\n',
            )
        return concat(t_4)
    context.exported_vars.add('kv')
    context.vars['kv'] = l_0_kv = Macro(environment, macro, 'kv', ('pairs',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_f, l_1_full):
        t_5 = []
        if l_1_f is missing:
            l_1_f = undefined("parameter 'f' was not provided", name='f')
        if l_1_full is missing:
            l_1_full = True
        pass
        t_5.extend((
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
            t_5.extend((
                escape(environment.getattr(l_1_f, 'check_title')),
                ' ',
            ))
        t_5.extend((
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
            t_5.extend((
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
            t_5.extend((
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
            t_5.extend((
                '  ',
                escape(context.call((undefined(name='kv') if l_0_kv is missing else l_0_kv), environment.getattr(l_1_f, 'evidence'))),
                '\n',
            ))
            if environment.getattr(l_1_f, 'remediation'):
                pass
                t_5.extend((
                    '<p><span class="muted">Remediation:</span> ',
                    escape(environment.getattr(l_1_f, 'remediation')),
                    '</p>',
                ))
        else:
            pass
            if environment.getattr(l_1_f, 'measures'):
                pass
                t_5.extend((
                    '<p class="muted">Measures: ',
                    escape(t_1(context.eval_ctx, environment.getattr(l_1_f, 'measures'), ', ')),
                    '</p>',
                ))
        t_5.append(
            '</div>\n',
        )
        return concat(t_5)
    context.exported_vars.add('finding')
    context.vars['finding'] = l_0_finding = Macro(environment, macro, 'finding', ('f', 'full'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_status):
        t_6 = []
        if l_1_status is missing:
            l_1_status = undefined("parameter 'status' was not provided", name='status')
        pass
        t_6.extend((
            '<span class="badge rs-',
            escape(l_1_status),
            '">',
            escape(l_1_status),
            '</span>',
        ))
        return concat(t_6)
    context.exported_vars.add('result_status')
    context.vars['result_status'] = l_0_result_status = Macro(environment, macro, 'result_status', ('status',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s):
        t_7 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        pass
        if (not environment.getattr(l_1_s, 'items')):
            pass
            t_7.extend((
                '<p class="muted">',
                escape(environment.getattr(l_1_s, 'empty_text')),
                '</p>\n',
            ))
        elif (environment.getattr(l_1_s, 'kind') == 'findings'):
            pass
            for l_2_f in environment.getattr(l_1_s, 'items'):
                _loop_vars = {}
                pass
                t_7.append(
                    escape(context.call((undefined(name='finding') if l_0_finding is missing else l_0_finding), l_2_f, full=False, _loop_vars=_loop_vars)),
                )
            l_2_f = missing
        elif ((environment.getattr(l_1_s, 'kind') == 'severity') or (environment.getattr(l_1_s, 'kind') == 'waiver')):
            pass
            for l_2_c in environment.getattr(l_1_s, 'items'):
                _loop_vars = {}
                pass
                t_7.append(
                    '<div class="item">\n  <p><strong>',
                )
                if (environment.getattr(l_1_s, 'kind') == 'severity'):
                    pass
                    t_7.extend((
                        escape(context.call((undefined(name='severity') if l_0_severity is missing else l_0_severity), environment.getattr(l_2_c, 'old'), _loop_vars=_loop_vars)),
                        ' → ',
                        escape(context.call((undefined(name='severity') if l_0_severity is missing else l_0_severity), environment.getattr(l_2_c, 'new'), _loop_vars=_loop_vars)),
                    ))
                else:
                    pass
                    t_7.extend((
                        'waiver: ',
                        escape(environment.getattr(l_2_c, 'old')),
                        ' → ',
                        escape(environment.getattr(l_2_c, 'new')),
                    ))
                t_7.extend((
                    '</strong></p>\n  ',
                    escape(context.call((undefined(name='finding') if l_0_finding is missing else l_0_finding), environment.getattr(l_2_c, 'finding'), full=False, _loop_vars=_loop_vars)),
                    '\n</div>\n',
                ))
            l_2_c = missing
        elif (environment.getattr(l_1_s, 'kind') == 'status'):
            pass
            t_7.append(
                '<div class="table-wrap">\n<table>\n  <thead><tr><th>Check</th><th>Target</th><th>Before</th><th>After</th><th>Reason</th></tr></thead>\n  <tbody>\n',
            )
            for l_2_c in environment.getattr(l_1_s, 'items'):
                _loop_vars = {}
                pass
                t_7.extend((
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
            t_7.append(
                '  </tbody>\n</table>\n</div>\n',
            )
        return concat(t_7)
    context.exported_vars.add('diff_section')
    context.vars['diff_section'] = l_0_diff_section = Macro(environment, macro, 'diff_section', ('s',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_filters):
        t_8 = []
        if l_1_filters is missing:
            l_1_filters = undefined("parameter 'filters' was not provided", name='filters')
        pass
        t_8.append(
            '<form id="filters" class="filters" hidden aria-label="Filter findings">\n  <label>Severity at least\n    <select name="severity">',
        )
        for l_2_s in t_2(environment.getattr(l_1_filters, 'severities')):
            _loop_vars = {}
            pass
            t_8.extend((
                '<option value="',
                escape(l_2_s),
                '">',
                escape(l_2_s),
                '</option>',
            ))
        l_2_s = missing
        t_8.append(
            '</select>\n  </label>\n  <label>Target\n    <select name="target"><option value="">all</option>',
        )
        for l_2_t in environment.getattr(l_1_filters, 'targets'):
            _loop_vars = {}
            pass
            t_8.extend((
                '<option value="',
                escape(l_2_t),
                '">',
                escape(l_2_t),
                '</option>',
            ))
        l_2_t = missing
        t_8.append(
            '</select>\n  </label>\n  <label>Owner\n    <select name="owner"><option value="">all</option>',
        )
        for l_2_o in environment.getattr(l_1_filters, 'owners'):
            _loop_vars = {}
            pass
            t_8.extend((
                '<option value="',
                escape(l_2_o),
                '">',
                escape(l_2_o),
                '</option>',
            ))
        l_2_o = missing
        t_8.append(
            '</select>\n  </label>\n  <output id="filter-count" aria-live="polite"></output>\n</form>\n',
        )
        return concat(t_8)
    context.exported_vars.add('filter_bar')
    context.vars['filter_bar'] = l_0_filter_bar = Macro(environment, macro, 'filter_bar', ('filters',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '1=24&3=40&4=45&6=50&7=55&13=68&14=77&16=83&17=85&18=88&19=98&21=100&22=103&23=107&24=114&25=118&27=125&28=129&29=132&31=141&36=155&38=171&39=176&40=180&41=183&42=185&43=192&44=194&46=200&47=217&50=221&55=226&56=231&64=250&67=258&70=272&73=286'