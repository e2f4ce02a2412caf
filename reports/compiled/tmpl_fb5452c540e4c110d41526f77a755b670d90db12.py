from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'base.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_csp = resolve('csp')
    l_0_generator_version = resolve('generator_version')
    l_0_page_title = resolve('page_title')
    l_0_script = resolve('script')
    pass
    yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta http-equiv="Content-Security-Policy" content="'
    yield escape((undefined(name='csp') if l_0_csp is missing else l_0_csp))
    yield '">\n<meta name="generator" content="rifi-auditor '
    yield escape((undefined(name='generator_version') if l_0_generator_version is missing else l_0_generator_version))
    yield '">\n<title>'
    yield escape((undefined(name='page_title') if l_0_page_title is missing else l_0_page_title))
    yield ' · '
    yield from context.blocks['doc_title'][0](context)
    yield '</title>\n<style>\n:root {\n  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --line: #d1d9e0;\n  --accent: #0b4f8a; --ok: #1a7f37; --ok-bg: #dafbe1; --warn: #7d4e00; --warn-bg: #fff1c2;\n  --bad: #a40e26; --bad-bg: #ffebe9; --none: #59636e; --none-bg: #eef1f4;\n}\n* { box-sizing: border-box; }\nhtml { -webkit-text-size-adjust: 100%; }\nbody {\n  margin: 0; color: var(--fg); background: var(--bg); line-height: 1.5; font-size: 15px;\n  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;\n}\ncode, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; overflow-wrap: anywhere; }\na { color: var(--accent); }\nmain, .site-header .inner, nav .inner, footer { max-width: 1100px; margin: 0 auto; padding: 0 1rem; }\nh1 { font-size: 1.5rem; margin: 0.2rem 0; }\nh2 { font-size: 1.25rem; margin: 2rem 0 0.6rem; border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; }\nh3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; }\nh4 { font-size: 0.95rem; margin: 1rem 0 0.3rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }\np { margin: 0.4rem 0; }\n.muted { color: var(--muted); }\n.site-header { background: var(--panel); border-bottom: 1px solid var(--line); padding: 0.8rem 0; }\n.site-header .tool { color: var(--muted); font-size: 0.85rem; margin: 0; }\n.runinfo { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0.5rem 0 0; font-size: 0.9rem; }\n.runinfo dt { color: var(--muted); }\n.runinfo dd { margin: 0; overflow-wrap: anywhere; }\nnav { position: sticky; top: 0; z-index: 1; background: var(--bg); border-bottom: 1px solid var(--line); }\nnav ul { list-style: none; margin: 0; padding: 0.4rem 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; }\nnav a { text-decoration: none; padding: 0.15rem 0.2rem; }\nnav a[aria-current="page"] { font-weight: 600; color: var(--fg); border-bottom: 2px solid var(--accent); }\nmain { padding-bottom: 2rem; }\nfooter { color: var(--muted); font-size: 0.8rem; border-top: 1px solid var(--line); padding-top: 0.6rem; padding-bottom: 1.5rem; }\n.table-wrap { overflow-x: auto; }\ntable { border-collapse: collapse; width: 100%; margin: 0.4rem 0 1rem; font-size: 0.92rem; }\nth, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }\nth { background: var(--panel); font-weight: 600; }\ntd.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }\n.filters { display: flex; flex-wrap: wrap; gap: 0.6rem 1.2rem; align-items: center; padding: 0.5rem 0.7rem; margin: 0.8rem 0; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; }\n.filters label { font-size: 0.9rem; }\n.legend span { display: inline-block; margin-right: 1.2rem; font-size: 0.9rem; }\n.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 0.8rem; }\n.card { border: 1px solid var(--line); border-radius: 6px; padding: 0.7rem 0.9rem; background: var(--bg); }\n.card h3 { margin-top: 0; }\n.card dl { display: grid; grid-template-columns: 1fr max-content; gap: 0.1rem 0.6rem; margin: 0; font-size: 0.9rem; }\n.card dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }\n.verdict { border: 1px solid var(--line); border-left-width: 6px; border-radius: 4px; padding: 0.6rem 0.9rem; margin: 1rem 0; }\n.v-ok { border-left-color: var(--ok); }\n.v-fail { border-left-color: var(--bad); }\n.v-error { border-left-color: var(--warn); background: var(--warn-bg); }\n.note { border: 1px solid var(--warn); background: var(--warn-bg); border-radius: 4px; padding: 0.6rem 0.9rem; margin: 1rem 0; }\n.meter { height: 0.6rem; background: var(--none-bg); border: 1px solid var(--line); border-radius: 3px; overflow: hidden; max-width: 24rem; }\n.meter span { display: block; height: 100%; background: var(--ok); }\n.badge { display: inline-block; border: 1px solid currentColor; border-radius: 3px; padding: 0 0.35rem; font-size: 0.78rem; font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase; white-space: nowrap; }\n.sev-critical { color: #fff; background: #82071e; border-color: #82071e; }\n.sev-high { color: var(--bad); background: var(--bad-bg); }\n.sev-medium { color: var(--warn); background: var(--warn-bg); }\n.sev-low { color: var(--accent); background: #ddf4ff; }\n.sev-info { color: var(--none); background: var(--none-bg); }\n.st-findings { color: var(--bad); background: var(--bad-bg); }\n.st-evidenced { color: var(--ok); background: var(--ok-bg); }\n.st-overdue { color: var(--warn); background: var(--warn-bg); }\n.st-none { color: var(--none); background: var(--none-bg); }\n.rs-pass { color: var(--ok); }\n.rs-error { color: var(--bad); }\n.rs-skipped, .rs-not-assessable, .rs-absent { color: var(--muted); }\n.measure { border: 1px solid var(--line); border-radius: 6px; padding: 0.8rem 1rem; margin: 1.2rem 0; }\n.measure > h2 { margin-top: 0; border: 0; display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.3rem 0.6rem; }\n.measure-meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; font-size: 0.88rem; margin: 0.4rem 0; }\n.measure-meta dt { color: var(--muted); }\n.measure-meta dd { margin: 0; }\n.item { border-top: 1px solid var(--line); padding: 0.5rem 0; }\n.item:first-of-type { border-top: 0; }\n.item-head { display: flex; flex-wrap: wrap; gap: 0.2rem 0.6rem; align-items: baseline; }\n.kv { display: grid; grid-template-columns: max-content 1fr; gap: 0.05rem 0.8rem; margin: 0.3rem 0 0.3rem 0.8rem; font-size: 0.88rem; }\n.kv dt { color: var(--muted); }\n.kv dd { margin: 0; overflow-wrap: anywhere; }\n.flag { display: block; margin: 0.3rem 0; padding: 0.2rem 0.5rem; border-left: 4px solid var(--warn); background: var(--warn-bg); font-size: 0.9rem; }\n.flag.waived { border-left-color: var(--none); background: var(--none-bg); }\n.overdue { color: var(--warn); font-weight: 600; }\nul.plain { margin: 0.2rem 0; padding-left: 1.2rem; }\ndetails > summary { cursor: pointer; font-weight: 600; }\n@media (max-width: 600px) {\n  body { font-size: 14px; }\n  .runinfo, .measure-meta, .kv { grid-template-columns: 1fr; }\n  .runinfo dt, .measure-meta dt, .kv dt { margin-top: 0.3rem; }\n}\n.pager { position: static; border: 0; }\n.pager ul { gap: 0.2rem 0.6rem; }\n.members { list-style: none; margin: 0.3rem 0; padding-left: 0.8rem; font-size: 0.9rem; }\n.members li { margin: 0.15rem 0; overflow-wrap: anywhere; }\n.evidence::before { content: "("; }\n.evidence::after { content: ")"; }\n.evidence > span + span::before { content: "; "; }\n.fix-count { font-weight: 600; font-variant-numeric: tabular-nums; }\ntable.compact { width: auto; min-width: 60%; }\n@page { size: A4; margin: 14mm 12mm; }\n@media print {\n  body { font-size: 10.5pt; }\n  .exec { font-size: 9.5pt; }\n  .exec h2 { margin: 0.8rem 0 0.3rem; font-size: 1.05rem; }\n  .exec table { margin: 0.2rem 0 0.5rem; }\n  .site-header { padding: 0.2rem 0; }\n  footer { padding-bottom: 0; }\n  nav { position: static; border: 0; }\n  nav ul { display: none; }\n  .site-header { background: none; }\n  a { color: inherit; text-decoration: none; }\n  .table-wrap { overflow: visible; }\n  table { page-break-inside: auto; }\n  thead { display: table-header-group; }\n  tr, .item, .card { break-inside: avoid; page-break-inside: avoid; }\n  .badge { background: none !important; color: #000 !important; border: 1px solid #000 !important; }\n  .measure { break-inside: auto; }\n  .meter { display: none; }\n  details > summary::after { content: " (listed below)"; font-weight: normal; }\n  details::details-content { content-visibility: visible; display: block; }\n}\n</style>\n</head>\n<body>\n<header class="site-header">\n  <div class="inner">\n'
    yield from context.blocks['header'][0](context)
    yield '  </div>\n</header>\n'
    yield from context.blocks['nav'][0](context)
    yield '<main>\n'
    yield from context.blocks['content'][0](context)
    yield '</main>\n<footer>\n  Generated by rifi-auditor '
    yield escape((undefined(name='generator_version') if l_0_generator_version is missing else l_0_generator_version))
    yield '. This page is self-contained: it loads nothing from the network.\n</footer>\n'
    if (undefined(name='script') if l_0_script is missing else l_0_script):
        pass
        yield '<script>'
        yield escape((undefined(name='script') if l_0_script is missing else l_0_script))
        yield '</script>'
    yield '</body>\n</html>'

def block_doc_title(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass
    yield 'rifi-auditor report'

def block_header(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

def block_nav(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

def block_content(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

blocks = {'doc_title': block_doc_title, 'header': block_header, 'nav': block_nav, 'content': block_content}
debug_info = '6=16&7=18&8=20&131=24&134=26&136=28&139=30&141=32&8=39&131=49&134=58&136=67'