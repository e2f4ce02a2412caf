from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'run.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('base.html.j2', 'run.html.j2')
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
    l_0_header = resolve('header')
    pass
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'profile'))
    yield ' '
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'profile_version'))
    yield ' · '
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'tool'))

def block_header(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_header = resolve('header')
    l_0_page_title = resolve('page_title')
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
    yield '  <p class="tool">'
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'tool'))
    yield ' '
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'tool_version'))
    yield ' · posture audit mapped to '
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'catalogue'))
    yield '</p>\n  <h1>'
    yield escape((undefined(name='page_title') if l_0_page_title is missing else l_0_page_title))
    yield '</h1>\n  <dl class="runinfo">\n    <dt>Profile</dt><dd>'
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'profile'))
    yield ' '
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'profile_version'))
    yield ' (fails on '
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'fail_on'))
    yield ' and above)</dd>\n    <dt>Catalogue</dt><dd>'
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'catalogue'))
    yield ', version '
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'catalogue_version'))
    yield '</dd>\n    <dt>Run</dt><dd>'
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'started_at'))
    yield ' → '
    yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'finished_at'))
    yield '</dd>\n    <dt>Targets</dt><dd>'
    if environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'targets'):
        pass
        yield escape(t_1(context.eval_ctx, environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'targets'), ', '))
        if (environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'targets_total') > t_2(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'targets'))):
            pass
            yield ' and '
            yield escape((environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'targets_total') - t_2(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'targets'))))
            yield ' more (<a href="hosts.html">all hosts</a>)'
    else:
        pass
        yield 'none'
    yield '</dd>\n  </dl>\n'
    if environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'rejudged'):
        pass
        yield '  <p class="note rejudged" role="note">'
        yield escape(environment.getattr((undefined(name='header') if l_0_header is missing else l_0_header), 'rejudged'))
        yield '. The facts were collected in that run; the verdicts are new.</p>\n'

def block_nav(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_nav = resolve('nav')
    pass
    yield '<nav aria-label="Report pages">\n  <div class="inner">\n    <ul>\n'
    for l_1_link in (undefined(name='nav') if l_0_nav is missing else l_0_nav):
        _loop_vars = {}
        pass
        yield '      <li><a href="'
        yield escape(environment.getattr(l_1_link, 'href'))
        yield '"'
        if environment.getattr(l_1_link, 'current'):
            pass
            yield ' aria-current="page"'
        yield '>'
        yield escape(environment.getattr(l_1_link, 'label'))
        yield '</a></li>\n'
    l_1_link = missing
    yield '    </ul>\n  </div>\n</nav>\n'

blocks = {'doc_title': block_doc_title, 'header': block_header, 'nav': block_nav}
debug_info = '1=12&2=17&3=32&4=55&5=61&7=63&8=69&9=73&10=77&12=89&13=92&16=95&20=105&21=109'