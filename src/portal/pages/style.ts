/** The portal's one stylesheet, served at /assets/style.css (kept in code so the build needs no asset copy). */
export const STYLESHEET = `
:root { color-scheme: light dark; --accent: #2457d6; --danger: #b3261e; --muted: #667; --line: #ccd; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { padding: .75rem 1rem; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; }
header .brand { font-weight: 700; color: inherit; text-decoration: none; margin-right: auto; }
nav { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
nav a { color: var(--accent); }
form.inline { display: inline; margin: 0; }
button.link { border: 0; background: none; padding: 0; color: var(--accent); text-decoration: underline; cursor: pointer; }
main.wide { max-width: 56rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.field-error { color: var(--danger); margin: .25rem 0 0; font-size: .95em; }
.secret { font-family: ui-monospace, monospace; word-break: break-all; background: rgba(127,127,127,.12); padding: .4rem; border-radius: .3rem; }
main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; padding: .6rem; font: inherit; border: 1px solid var(--line); border-radius: .4rem; }
input:focus-visible, button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { font: inherit; padding: .6rem 1.2rem; border-radius: .4rem; border: 1px solid var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: #fff; }
button.secondary { background: transparent; color: inherit; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; flex-wrap: wrap; }
.error { color: var(--danger); margin: .25rem 0 0; }
.muted { color: var(--muted); }
ul.scopes { padding-left: 1.2rem; }
ul.scopes li { margin: .4rem 0; }
code { font-size: .9em; }
pre { overflow-x: auto; padding: .75rem; border: 1px solid var(--line); border-radius: .4rem; background: color-mix(in srgb, CanvasText 5%, Canvas); }
pre code { white-space: pre; }
p.hint { margin: 0 0 .25rem; font-size: .9em; }
textarea, select { width: 100%; padding: .6rem; font: inherit; border: 1px solid var(--line); border-radius: .4rem; }
fieldset { border: 1px solid var(--line); border-radius: .4rem; margin: 1rem 0 0; }
label.check { font-weight: 400; margin: .4rem 0; }
a.button { display: inline-block; padding: .6rem 1.2rem; border-radius: .4rem; border: 1px solid var(--accent); text-decoration: none; }
a.button.primary { color: #fff; }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
.notice { border-left: 4px solid var(--accent); padding: .5rem .75rem; background: rgba(127,127,127,.08); }
ul.apps { list-style: none; padding: 0; }
li.card { border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; margin: 0 0 1rem; }
li.card h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
ul.links li { margin: .4rem 0; }
`;
