/// The console's one stylesheet, served from `/admin/console.css`: system fonts, light and dark, readable at 200 %
/// zoom and on a phone, a visible focus ring everywhere.
enum ConsoleStyle {
    static let css = """
        :root { color-scheme: light dark; --fg: #1b1d21; --muted: #5a606b; --bg: #ffffff; --panel: #f4f5f7;
          --line: #d5d8de; --accent: #0b5cad; --accent-fg: #ffffff; --bad-bg: #fdecec; --bad: #a1151b;
          --good-bg: #e8f4ea; --good: #1d6b2c; --focus: #f0a500; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e8eaee; --muted: #a7adb8; --bg: #15171b; --panel: #1f2227; --line: #3a3f47;
            --accent: #6cb2ff; --accent-fg: #0d1117; --bad-bg: #3a1719; --bad: #ff9a9e; --good-bg: #173222;
            --good: #8fdca1; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
          background: var(--bg); }
        a { color: var(--accent); }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: .5rem; background: var(--bg); padding: .4rem .8rem; z-index: 2; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
          white-space: nowrap; }
        .bar { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: center; padding: .6rem 1.25rem;
          background: var(--panel); border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
        .find { display: flex; flex: 1 1 20rem; gap: .4rem; max-width: 40rem; }
        .find input { flex: 1; min-width: 0; }
        .find label { align-self: center; font-weight: 600; }
        .who { display: flex; gap: .6rem; align-items: center; margin-left: auto; }
        .zone { margin-left: auto; font-size: .9rem; }
        .zone + .who { margin-left: 0; }
        main { max-width: 70rem; margin: 0 auto; padding: 1.25rem; }
        h1 { font-size: 1.6rem; margin: .4rem 0 1rem; line-height: 1.25; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
        .lead { font-size: 1.1rem; color: var(--muted); }
        .muted { color: var(--muted); font-size: .9rem; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .92em;
          overflow-wrap: anywhere; }
        input, select, textarea, button { font: inherit; color: inherit; }
        input[type=search], input[type=text], input[type=password], select, textarea { padding: .45rem .6rem;
          border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
        button, .button { display: inline-block; padding: .45rem 1rem; border-radius: 6px; border: 1px solid var(--accent);
          background: var(--accent); color: var(--accent-fg); cursor: pointer; text-decoration: none; }
        button.quiet { background: transparent; color: var(--accent); }
        .problem { background: var(--bad-bg); color: var(--bad); border-left: 4px solid var(--bad);
          padding: .7rem 1rem; border-radius: 4px; }
        .notice { background: var(--good-bg); color: var(--good); border-left: 4px solid var(--good);
          padding: .7rem 1rem; border-radius: 4px; }
        .flag { color: var(--bad); font-weight: 600; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; }
        .tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .25rem 1rem 1rem; }
        .tile h2 { margin-top: .75rem; font-size: 1.05rem; }
        .count { font-size: 2rem; font-weight: 700; margin: 0; }
        ul.plain { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
        ul.results { list-style: none; padding: 0; }
        ul.results li { padding: .5rem 0; border-bottom: 1px solid var(--line); }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        tr.failed td { background: var(--bad-bg); }
        td code { overflow-wrap: anywhere; }
        ul.changes { display: block; margin: 0; }
        ul.changes li { margin: 0 0 .2rem; overflow-wrap: anywhere; }
        del { color: var(--bad); }
        ins { color: var(--good); text-decoration: none; font-weight: 600; }
        ul.tabs { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; }
        ul.tabs a[aria-current=page] { font-weight: 700; text-decoration: none; }
        section.option { border: 1px solid var(--line); border-radius: 8px; padding: 0 1rem .75rem; margin: .75rem 0; }
        section.option h3 { font-size: 1rem; }
        form.pick { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; margin: .5rem 0; }
        form.pick p { margin: 0; }
        form.pick label { display: block; font-weight: 600; }
        form.inline { display: inline; }
        form.inline button { padding: .1rem .6rem; font-size: .9rem; }
        .crumbs { font-size: .9rem; margin: 0; }
        .actions { margin: 1rem 0; display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
        dl.facts { display: grid; grid-template-columns: minmax(9rem, 14rem) 1fr; gap: .4rem 1rem; margin: 0; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; }
        fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem 1rem; }
        legend { font-weight: 700; padding: 0 .3rem; }
        form.stacked label { display: block; font-weight: 600; margin-top: .8rem; }
        form.stacked select, form.stacked input[type=text], form.stacked textarea { width: 100%; max-width: 36rem; }
        .check { display: flex; gap: .5rem; align-items: baseline; margin-top: .8rem; }
        form.stacked .check label { margin: 0; font-weight: 400; }
        .hint { margin: .2rem 0 0; color: var(--muted); font-size: .9rem; }
        .field-problem { margin: .3rem 0 0; color: var(--bad); font-weight: 600; }
        [aria-invalid=true] { border-color: var(--bad); }
        @media (max-width: 40rem) { dl.facts { grid-template-columns: 1fr; } table { display: block; overflow-x: auto; } }
        @media (max-width: 40rem) { .who { margin-left: 0; } main { padding: 1rem .75rem; } }
        """
}
