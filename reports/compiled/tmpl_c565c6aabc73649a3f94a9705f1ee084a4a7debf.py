from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'history.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('base.html.j2', 'history.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
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
    l_0_rows = resolve('rows')
    l_0_broken = resolve('broken')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield '  <p class="tool">rifi-auditor '
    yield escape((undefined(name='generator_version') if l_0_generator_version is missing else l_0_generator_version))
    yield ' · history of audit runs</p>\n  <h1>'
    yield escape((undefined(name='page_title') if l_0_page_title is missing else l_0_page_title))
    yield '</h1>\n  <p class="muted">'
    yield escape(t_1((undefined(name='rows') if l_0_rows is missing else l_0_rows)))
    yield ' run(s)'
    if (undefined(name='broken') if l_0_broken is missing else l_0_broken):
        pass
        yield ', '
        yield escape(t_1((undefined(name='broken') if l_0_broken is missing else l_0_broken)))
        yield ' snapshot(s) could not be used'
    yield '.\n  Score per phase = measures evidenced (a passing check or a current attestation, and no open finding) / measures in the phase;\n  in brackets, measures with open findings.</p>\n'

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_broken = resolve('broken')
    l_0_rows = resolve('rows')
    l_0_charts = resolve('charts')
    l_0_severities = resolve('severities')
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    if (undefined(name='broken') if l_0_broken is missing else l_0_broken):
        pass
        yield '<div class="flag" role="alert">\n  <strong>Left out of the history:</strong>\n  <ul>\n'
        for l_1_item in (undefined(name='broken') if l_0_broken is missing else l_0_broken):
            _loop_vars = {}
            pass
            yield '<li><code>'
            yield escape(environment.getattr(l_1_item, 'path'))
            yield '</code>: '
            yield escape(environment.getattr(l_1_item, 'problem'))
            yield '</li>'
        l_1_item = missing
        yield '  </ul>\n</div>\n'
    yield '\n<h2>Posture per phase</h2>\n'
    if (undefined(name='rows') if l_0_rows is missing else l_0_rows):
        pass
        for l_1_chart in (undefined(name='charts') if l_0_charts is missing else l_0_charts):
            _loop_vars = {}
            pass
            yield '<h3 id="chart-'
            yield escape(environment.getattr(l_1_chart, 'id'))
            yield '">'
            yield escape(environment.getattr(l_1_chart, 'title'))
            yield '</h3>\n<svg class="chart" role="img" aria-label="'
            yield escape(environment.getattr(l_1_chart, 'title'))
            yield ', per run"\n     viewBox="0 0 '
            yield escape(environment.getattr(l_1_chart, 'width'))
            yield ' '
            yield escape(environment.getattr(l_1_chart, 'height'))
            yield '" width="100%" style="max-width: '
            yield escape(environment.getattr(l_1_chart, 'width'))
            yield 'px">\n  <rect x="'
            yield escape(environment.getattr(l_1_chart, 'margin'))
            yield '" y="'
            yield escape(environment.getattr(l_1_chart, 'margin'))
            yield '" width="'
            yield escape((environment.getattr(l_1_chart, 'width') - (2 * environment.getattr(l_1_chart, 'margin'))))
            yield '"\n        height="'
            yield escape((environment.getattr(l_1_chart, 'height') - (2 * environment.getattr(l_1_chart, 'margin'))))
            yield '" fill="none" stroke="#d1d9e0"/>\n  <text x="4" y="'
            yield escape((environment.getattr(l_1_chart, 'margin') + 4))
            yield '" font-size="11" fill="#59636e">'
            yield escape(environment.getattr(l_1_chart, 'top_label'))
            yield '</text>\n  <text x="12" y="'
            yield escape(((environment.getattr(l_1_chart, 'height') - environment.getattr(l_1_chart, 'margin')) + 4))
            yield '" font-size="11" fill="#59636e">0'
            if context.call(environment.getattr(environment.getattr(l_1_chart, 'top_label'), 'endswith'), '%', _loop_vars=_loop_vars):
                pass
                yield '%'
            yield '</text>\n'
            for l_2_line in environment.getattr(l_1_chart, 'lines'):
                _loop_vars = {}
                pass
                yield '  <polyline points="'
                yield escape(environment.getattr(l_2_line, 'points'))
                yield '" fill="none" stroke="'
                yield escape(environment.getattr(l_2_line, 'colour'))
                yield '" stroke-width="2"\n'
                if environment.getattr(l_2_line, 'dash'):
                    pass
                    yield 'stroke-dasharray="'
                    yield escape(environment.getattr(l_2_line, 'dash'))
                    yield '"'
                yield '><title>'
                yield escape(environment.getattr(l_2_line, 'title'))
                yield '</title></polyline>\n'
            l_2_line = missing
            yield '</svg>\n<p class="legend">\n'
            for l_2_line in environment.getattr(l_1_chart, 'lines'):
                _loop_vars = {}
                pass
                yield '  <span><svg width="28" height="8" aria-hidden="true"><line x1="0" y1="4" x2="28" y2="4" stroke="'
                yield escape(environment.getattr(l_2_line, 'colour'))
                yield '" stroke-width="2" '
                if environment.getattr(l_2_line, 'dash'):
                    pass
                    yield 'stroke-dasharray="'
                    yield escape(environment.getattr(l_2_line, 'dash'))
                    yield '"'
                yield '/></svg> '
                yield escape(environment.getattr(l_2_line, 'title'))
                yield '</span>\n'
            l_2_line = missing
            yield '</p>\n'
        l_1_chart = missing
        yield '\n<h2>Runs</h2>\n<div class="table-wrap">\n<table>\n  <thead><tr>\n    <th>Run</th><th>Profile</th><th>Targets</th>\n'
        for l_1_score in environment.getattr(environment.getitem((undefined(name='rows') if l_0_rows is missing else l_0_rows), 0), 'scores'):
            _loop_vars = {}
            pass
            yield '<th>'
            yield escape(environment.getattr(l_1_score, 'phase'))
            yield '<br><span class="muted">evidenced (with findings)</span></th>'
        l_1_score = missing
        yield '    <th>Open '
        yield escape(t_2(context.eval_ctx, (undefined(name='severities') if l_0_severities is missing else l_0_severities), ' · '))
        yield '</th>\n    <th>Opened</th><th>Closed</th><th>Signature</th><th>Report</th>\n  </tr></thead>\n  <tbody>\n'
        for l_1_row in (undefined(name='rows') if l_0_rows is missing else l_0_rows):
            _loop_vars = {}
            pass
            yield '    <tr>\n      <td>'
            yield escape(environment.getattr(l_1_row, 'started_at'))
            if environment.getattr(l_1_row, 'changed_judgement'):
                pass
                yield '<br><span class="flag">tool, profile or catalogue changed: differences may come from the judging</span>'
            if environment.getattr(l_1_row, 'rejudged'):
                pass
                yield '<br><span class="flag rejudged">'
                yield escape(environment.getattr(l_1_row, 'rejudged'))
                yield '</span>'
            yield '</td>\n      <td>'
            yield escape(environment.getattr(l_1_row, 'profile'))
            yield '</td>\n      <td class="num">'
            yield escape(environment.getattr(l_1_row, 'targets'))
            yield '</td>\n'
            for l_2_score in environment.getattr(l_1_row, 'scores'):
                _loop_vars = {}
                pass
                yield '<td class="num">'
                yield escape(environment.getattr(l_2_score, 'evidenced'))
                yield ' / '
                yield escape(environment.getattr(l_2_score, 'total'))
                yield ' ('
                yield escape(environment.getattr(l_2_score, 'with_findings'))
                yield ')</td>'
            l_2_score = missing
            yield '      <td class="num">'
            yield escape(t_2(context.eval_ctx, environment.getattr(l_1_row, 'open_findings'), ' · '))
            yield '</td>\n      <td class="num">'
            yield escape(('–' if t_3(environment.getattr(l_1_row, 'opened')) else environment.getattr(l_1_row, 'opened')))
            yield '</td>\n      <td class="num">'
            yield escape(('–' if t_3(environment.getattr(l_1_row, 'closed')) else environment.getattr(l_1_row, 'closed')))
            yield '</td>\n      <td>'
            yield escape(environment.getattr(l_1_row, 'signature'))
            yield '</td>\n      <td>'
            if environment.getattr(l_1_row, 'report'):
                pass
                yield '<a href="'
                yield escape(environment.getattr(l_1_row, 'report'))
                yield '">report</a>'
            else:
                pass
                yield '<span class="muted">none</span>'
            yield '</td>\n    </tr>\n'
        l_1_row = missing
        yield '  </tbody>\n</table>\n</div>\n'
    else:
        pass
        yield '<p>No usable snapshot in this directory.</p>\n'

blocks = {'doc_title': block_doc_title, 'header': block_header, 'content': block_content}
debug_info = '1=12&2=17&3=27&4=46&5=48&6=50&10=59&11=83&15=86&21=97&22=99&23=103&24=107&25=109&26=115&27=121&28=123&29=127&30=133&31=137&32=141&36=151&37=155&47=169&48=177&52=179&54=183&55=193&56=195&57=197&58=209&59=211&60=213&61=215&62=217'