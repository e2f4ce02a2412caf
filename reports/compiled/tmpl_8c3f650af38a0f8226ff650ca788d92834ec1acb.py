from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'keys.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('run.html.j2', 'keys.html.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    yield from parent_template.root_render_func(context)

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_view = resolve('view')
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
    pass
    yield '<p>Which SSH key opens which accounts on which hosts, from the authorized_keys files each host\ntarget\'s audit read. A key is named by its SHA256 fingerprint (as <code>ssh-keygen -l</code> prints it);\nkey comments are never collected. Revoked keys come first, then the keys that open the most hosts.</p>\n<p class="muted">Keys of '
    yield escape(t_2(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'hosts_read')))
    yield ' host(s) read'
    if environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'hosts_read'):
        pass
        yield ': '
        yield escape(t_1(context.eval_ctx, environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'hosts_read'), ', '))
    yield '. As of '
    yield escape((undefined(name='as_of') if l_0_as_of is missing else l_0_as_of))
    yield '.</p>\n\n'
    if environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'notes'):
        pass
        yield '<div class="note" role="note">\n  <strong>Not everything could be seen</strong> — keys on these hosts may be missing below:\n  <ul class="host-notes">\n'
        for l_1_note in environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'notes'):
            _loop_vars = {}
            pass
            yield '    <li><strong>'
            yield escape(environment.getattr(l_1_note, 'target'))
            yield '</strong>: '
            yield escape(environment.getattr(l_1_note, 'note'))
            yield '</li>\n'
        l_1_note = missing
        yield '  </ul>\n</div>\n'
    yield '\n'
    if environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'keys'):
        pass
        yield '<div class="table-wrap">\n<table class="keys">\n  <thead><tr><th>Key (SHA256 fingerprint)</th><th>Type</th><th class="num">Bits</th><th class="num">Hosts</th><th class="num">Accounts</th><th>Opens (host: account, where authorised, options)</th></tr></thead>\n  <tbody>\n'
        for l_1_key in environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'keys'):
            _loop_vars = {}
            pass
            yield '    <tr class="key'
            if environment.getattr(l_1_key, 'revoked'):
                pass
                yield ' revoked'
            yield '" data-fingerprint="'
            yield escape(environment.getattr(l_1_key, 'fingerprint'))
            yield '">\n      <td><code>'
            yield escape(environment.getattr(l_1_key, 'fingerprint'))
            yield '</code>'
            if environment.getattr(l_1_key, 'revoked'):
                pass
                yield ' <span class="badge sev-high">revoked</span>'
            yield '</td>\n      <td><code>'
            yield escape(environment.getattr(l_1_key, 'key_type'))
            yield '</code></td>\n      <td class="num">'
            yield escape(environment.getattr(l_1_key, 'bits'))
            yield '</td>\n      <td class="num">'
            yield escape(environment.getattr(l_1_key, 'hosts'))
            yield '</td>\n      <td class="num">'
            yield escape(environment.getattr(l_1_key, 'accounts'))
            yield '</td>\n      <td><ul class="grants">\n'
            for l_2_grant in environment.getattr(l_1_key, 'grants'):
                _loop_vars = {}
                pass
                yield '        <li><strong>'
                yield escape(environment.getattr(l_2_grant, 'target'))
                yield '</strong>: '
                yield escape(environment.getattr(l_2_grant, 'account'))
                yield ' <code class="muted">'
                yield escape(environment.getattr(l_2_grant, 'location'))
                yield '</code>'
                if environment.getattr(l_2_grant, 'options'):
                    pass
                    yield ' <code>'
                    yield escape(environment.getattr(l_2_grant, 'options'))
                    yield '</code>'
                yield '</li>\n'
            l_2_grant = missing
            yield '      </ul></td>\n    </tr>\n'
        l_1_key = missing
        yield '  </tbody>\n</table>\n</div>\n'
    else:
        pass
        yield '<p>No authorized key was found on the hosts whose keys were read.</p>\n'
    yield '\n'
    if environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'revoked_not_found'):
        pass
        yield '<h2>Revoked keys found on no host</h2>\n<p>The profile revokes these keys; none of the hosts read above authorises them.</p>\n<ul>\n'
        for l_1_fingerprint in environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'revoked_not_found'):
            _loop_vars = {}
            pass
            yield '<li><code>'
            yield escape(l_1_fingerprint)
            yield '</code></li>'
        l_1_fingerprint = missing
        yield '</ul>\n'

blocks = {'content': block_content}
debug_info = '1=12&2=17&6=40&8=49&12=52&13=56&19=63&24=66&25=70&26=76&27=82&28=84&29=86&30=88&32=90&33=94&45=114&49=117'