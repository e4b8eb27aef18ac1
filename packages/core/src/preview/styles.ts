/** The preview page's stylesheet (inlined; the page loads nothing from the network). */
export const PREVIEW_CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#d8dde6;--bg:#f4f6fa;--card:#fff;--accent:#0a5fff;--accent-bg:#e8f0ff;--warn:#9a3b00;--warn-bg:#fff4e5;--ok:#0b6b3a;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg);line-height:1.45}
*{box-sizing:border-box}
body{margin:0}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px;border-radius:3px}
.skip{position:absolute;left:-9999px;top:0;background:var(--card);padding:.5rem 1rem;z-index:10}
.skip:focus{left:1rem}
.topbar{background:#151a24;color:#e9edf5;padding:.6rem 1.5rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between}
.topbar p{margin:0;font-size:.9rem}
.topbar a{color:#bcd3ff}
.topbar code{background:#2b3345;color:#fff}
.topbar ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0;font-size:.9rem}
main{max-width:1180px;margin:0 auto;padding:1rem 1.5rem 4rem}
h1{font-size:1.7rem;margin:.8rem 0 .2rem}
h2{font-size:1.3rem;margin:2rem 0 .8rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.1rem}
.sub{color:var(--muted);margin:0 0 1rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;background:#eef1f6;padding:0 .25em;border-radius:3px}
.card{display:flex;gap:1rem;align-items:flex-start;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem 1.25rem;max-width:420px;box-shadow:0 1px 3px rgba(20,30,50,.08)}
.card img,.card svg{width:62px;height:62px;flex:none;border-radius:10px}
.card h3{margin:0 0 .3rem}
.card p{margin:0;color:var(--muted);font-size:.95rem}
.note{color:var(--muted);font-size:.9rem}
.warn{color:var(--warn);background:var(--warn-bg);padding:.4rem .6rem;border-radius:6px;font-size:.9rem}
.md{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.5rem 1.25rem;overflow-wrap:anywhere}
.md table{border-collapse:collapse}
.md th,.md td{border:1px solid var(--line);padding:.3rem .5rem}
.table-wrap{overflow-x:auto}
table.matrix{border-collapse:collapse;background:var(--card);min-width:100%}
table.matrix caption{text-align:left;color:var(--muted);padding:.3rem 0;font-size:.9rem}
table.matrix th,table.matrix td{border:1px solid var(--line);padding:.5rem .7rem;text-align:left;vertical-align:top}
table.matrix thead th{background:#eaeef5}
table.matrix tbody th{font-weight:600;max-width:18rem}
table.matrix tbody th code{font-weight:400}
table.matrix tr.price-row td,table.matrix tr.price-row th{background:var(--accent-bg);font-weight:600}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:.1rem .5rem;border-radius:999px;background:#eaeef5;color:var(--muted);vertical-align:middle;margin-left:.4rem}
.plan{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem 1.25rem;margin:1.25rem 0}
.plan>h3{margin:.2rem 0}
.plan-meta{color:var(--muted);font-size:.85rem;margin:.2rem 0 1rem}
.wizard-layout{display:grid;grid-template-columns:minmax(0,1fr) 260px;gap:1.25rem;align-items:start}
@media (max-width:800px){.wizard-layout{grid-template-columns:1fr}}
.steps{list-style:none;display:flex;flex-wrap:wrap;gap:.4rem;margin:0 0 1rem;padding:0}
.steps button{font:inherit;font-size:.9rem;border:1px solid var(--line);background:#f7f8fb;color:var(--fg);padding:.35rem .8rem;border-radius:999px;cursor:pointer}
.steps button[aria-current="step"]{background:var(--accent);border-color:var(--accent);color:#fff}
.wizard-page{border-top:1px solid var(--line);padding-top:.6rem}
.wizard-page h4{font-size:1.05rem;margin:.3rem 0 .8rem}
.js .wizard-page{display:none;border-top:0;padding-top:0}
.js .wizard-page.current{display:block}
.wizard-page[data-when-hidden="true"] h4::after{content:" (hidden: no group's condition holds)";color:var(--muted);font-weight:400;font-size:.85rem}
fieldset.group{border:1px solid var(--line);border-radius:10px;padding:.6rem 1rem .4rem;margin:0 0 1rem}
fieldset.group legend{font-weight:600;padding:0 .3rem}
fieldset.group[hidden]{display:none}
.when{font-size:.8rem;color:var(--muted);margin:0 0 .5rem}
.field{margin:0 0 1rem}
.field label,.field .label{display:block;font-weight:600;margin-bottom:.25rem}
.field.switch .control{display:flex;gap:.5rem;align-items:center}
.field.switch label{display:inline;margin:0}
.control{display:flex;flex-wrap:wrap;gap:.4rem .8rem;align-items:center}
input[type=text],input[type=number],select{font:inherit;padding:.4rem .55rem;border:1px solid #aeb6c4;border-radius:6px;background:#fff;color:var(--fg);min-width:14rem;max-width:100%}
input[readonly]{background:#f1f3f7;color:var(--muted)}
input[type=checkbox]{width:1.2rem;height:1.2rem;accent-color:var(--accent)}
input:invalid,select[aria-invalid=true]{border-color:#c0392b;box-shadow:0 0 0 1px #c0392b}
output{font-size:.9rem;color:var(--ok);font-variant-numeric:tabular-nums}
.hint,.rule,.meta{margin:.25rem 0 0;font-size:.85rem;color:var(--muted)}
.rule{color:#3d4657}
.meta{font-size:.78rem}
.usage-price{margin:.2rem 0}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0 0 1rem}
dl.summary dt{color:var(--muted)}
dl.summary dd{margin:0}
table.breakdown,table.selection{border-collapse:collapse;width:100%;margin:0 0 1rem}
table.breakdown caption,table.selection caption{text-align:left;font-weight:600;padding:.3rem 0}
table.breakdown th,table.breakdown td,table.selection th,table.selection td{border-bottom:1px solid var(--line);padding:.35rem .4rem;text-align:left;font-weight:400}
table.breakdown td{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.breakdown tfoot th,table.breakdown tfoot td{font-weight:700;border-bottom:0}
.wizard-nav{display:flex;gap:.6rem;margin-top:1rem}
.wizard-nav button{font:inherit;padding:.45rem 1.1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
.wizard-nav button[data-prev]{background:#fff;color:var(--accent)}
.wizard-nav button:disabled{opacity:.45;cursor:default}
html:not(.js) .wizard-nav{display:none}
.price-box{position:sticky;top:1rem;background:var(--accent-bg);border:1px solid #c3d5ff;border-radius:12px;padding:.8rem 1rem}
.price-box h4{margin:0 0 .3rem;font-size:.95rem;color:var(--muted);font-weight:600}
.price-box .total{font-size:1.35rem;font-weight:700;margin:0;font-variant-numeric:tabular-nums}
.price-box p.note{margin:.4rem 0 0}
ul.entities,ul.usage{margin:.3rem 0 1rem;padding-left:1.2rem}
.error-list{list-style:none;padding:0}
.error-list li{background:var(--card);border:1px solid var(--line);border-left:4px solid #c0392b;border-radius:6px;padding:.6rem .8rem;margin:0 0 .6rem}
.error-list li.warning{border-left-color:#d68910}
.error-list .where{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;color:var(--muted)}
`;
