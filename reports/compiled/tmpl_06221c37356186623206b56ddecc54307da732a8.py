from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'owner.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_fix_group = l_0_host_table = missing
    pass
    parent_template = environment.get_template('run.html.j2', 'owner.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    included_template = environment.get_template('macros.html.j2', 'owner.html.j2')._get_default_module(context)
    l_0_fix_group = getattr(included_template, 'fix_group', missing)
    if l_0_fix_group is missing:
        l_0_fix_group = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'owner.html.j2') does not export the requested name 'fix_group'", name='fix_group')
    l_0_host_table = getattr(included_template, 'host_table', missing)
    if l_0_host_table is missing:
        l_0_host_table = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'owner.html.j2') does not export the requested name 'host_table'", name='host_table')
    context.vars.update({'fix_group': l_0_fix_group, 'host_table': l_0_host_table})
    context.exported_vars.difference_update(('fix_group', 'host_table'))
    yield from parent_template.root_render_func(context)

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_owner = resolve('owner')
    l_0_host_table = resolve('host_table')
    l_0_severities = resolve('severities')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield '<h2 id="hosts">Hosts ('
    yield escape(t_1(environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'hosts')))
    yield ')</h2>\n'
    yield escape(context.call((undefined(name='host_table') if l_0_host_table is missing else l_0_host_table), environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'hosts'), (undefined(name='severities') if l_0_severities is missing else l_0_severities), _block_vars=_block_vars))
    yield '\n\n<h2 id="fixes">Open findings by fix ('
    yield escape(environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'groups_total'))
    yield ' fix'
    if (environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'groups_total') != 1):
        pass
        yield 'es'
    yield ')</h2>\n'
    t_2 = 1
    for l_1_g in environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'groups'):
        l_1_fix_group = resolve('fix_group')
        l_1_host_files = resolve('host_files')
        _loop_vars = {}
        pass
        yield escape(context.call((undefined(name='fix_group') if l_1_fix_group is missing else l_1_fix_group), l_1_g, (undefined(name='host_files') if l_1_host_files is missing else l_1_host_files), 25, _loop_vars=_loop_vars))
        t_2 = 0
    l_1_g = l_1_fix_group = l_1_host_files = missing
    if t_2:
        pass
        yield "<p>No open findings on this owner's hosts.</p>"
    if (environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'groups_total') > t_1(environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'groups'))):
        pass
        yield '<p class="flag">The '
        yield escape(t_1(environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'groups')))
        yield ' worst fixes are shown; the other '
        yield escape((environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'groups_total') - t_1(environment.getattr((undefined(name='owner') if l_0_owner is missing else l_0_owner), 'groups'))))
        yield ' are on the host pages.</p>\n'

blocks = {'content': block_content}
debug_info = '1=13&2=16&3=27&4=45&5=47&7=49&8=56&9=67&10=70'