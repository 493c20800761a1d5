// The HTML report's only stylesheet and script, inlined into the page (it loads nothing else).
// Light by default, dark when the reader's system prefers it.

export const CSS = `
:root{color-scheme:light dark;--bg:#f6f7f9;--panel:#fff;--text:#1c2230;--muted:#5d6778;--line:#dde1e8;--code:#f0f2f5;
--fail:#c62828;--warn:#b26a00;--pass:#2e7d32;--error:#8e24aa;--skip:#78818f;--waived:#00838f;--accent:#1f5fbf;
--fail-bg:#fdecec;--warn-bg:#fff4e0;--pass-bg:#e9f5ea;--error-bg:#f6e9f8;--skip-bg:#eef0f3;--waived-bg:#e3f5f6}
@media (prefers-color-scheme:dark){:root{--bg:#11151c;--panel:#1a2029;--text:#e3e8ef;--muted:#9aa5b5;--line:#2d3643;--code:#232b36;
--fail:#ff6b6b;--warn:#f5b041;--pass:#5cc46a;--error:#d78bea;--skip:#8f99a8;--waived:#4dd0e1;--accent:#7fb0ff;
--fail-bg:#3a1f22;--warn-bg:#3a2e17;--pass-bg:#1d3322;--error-bg:#33223a;--skip-bg:#252c36;--waived-bg:#173439}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main,.top{max-width:1080px;margin:0 auto;padding:0 20px}
a{color:var(--accent)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
code{background:var(--code);padding:1px 5px;border-radius:4px;overflow-wrap:anywhere}
pre{background:var(--code);padding:10px 12px;border-radius:6px;overflow:auto;max-height:420px;white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0}
h1{font-size:24px;margin:0 0 2px}h2{font-size:19px;margin:28px 0 10px}h3{font-size:17px;margin:0 0 8px}h4{font-size:15px;margin:14px 0 4px}
.muted{color:var(--muted)}
.top{display:flex;gap:24px;align-items:center;padding-top:24px;padding-bottom:8px;flex-wrap:wrap}
.headline{flex:1;min-width:280px}
.url{margin:0;color:var(--muted);overflow-wrap:anywhere}
.gate{margin:10px 0 6px;padding:8px 12px;border-radius:6px;font-weight:600}
.gate.passed{background:var(--pass-bg);color:var(--pass)}.gate.failed{background:var(--fail-bg);color:var(--fail)}
.gate ul{margin:4px 0 0;padding-left:20px;font-weight:400}
.meta{margin:0;color:var(--muted);font-size:13px}
.chips{display:flex;gap:6px;flex-wrap:wrap;margin-top:8px}
.gauge{flex:none}.gauge circle{fill:none;stroke-width:12}.gauge-track{stroke:var(--line)}.gauge-arc{stroke-linecap:round}
.gauge-score{font-size:34px;font-weight:700;fill:var(--text)}.gauge-grade{font-size:13px;fill:var(--muted)}
.gauge-arc.c-pass{stroke:var(--pass)}.gauge-arc.c-warn{stroke:var(--warn)}.gauge-arc.c-fail{stroke:var(--fail)}.gauge-arc.c-skip{stroke:var(--skip)}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin-bottom:14px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}tr:last-child td{border-bottom:0}
td.num{white-space:nowrap}
.pill{display:inline-block;min-width:58px;text-align:center;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:700;letter-spacing:.03em}
.s-fail{color:var(--fail);background:var(--fail-bg)}.s-warn{color:var(--warn);background:var(--warn-bg)}.s-pass{color:var(--pass);background:var(--pass-bg)}
.s-error{color:var(--error);background:var(--error-bg)}.s-skip{color:var(--skip);background:var(--skip-bg)}.s-waived{color:var(--waived);background:var(--waived-bg)}
.bar{vertical-align:middle}.bar-track{fill:var(--line)}.bar-num{font-variant-numeric:tabular-nums}
.bar-fill.s-fail{fill:var(--fail)}.bar-fill.s-warn{fill:var(--warn)}.bar-fill.s-pass{fill:var(--pass)}.bar-fill.s-error{fill:var(--error)}.bar-fill.s-skip{fill:var(--skip)}.bar-fill.s-waived{fill:var(--waived)}
.check{border-top:1px solid var(--line);padding-top:6px;margin-top:10px}
.why,.fix{margin:4px 0}.fix b,.why b{font-weight:600}
.finding{border-left:4px solid var(--line);padding:6px 0 6px 12px;margin:10px 0}
.finding.f-fail{border-color:var(--fail)}.finding.f-warn{border-color:var(--warn)}.finding.f-error{border-color:var(--error)}.finding.f-waived{border-color:var(--waived)}.finding.f-pass{border-color:var(--pass)}
.finding .msg{margin:4px 0;font-weight:500}.sev{font-size:12px;color:var(--muted);text-transform:uppercase;margin:0 4px}
.waiver{color:var(--waived);margin:4px 0}
.curl{display:flex;gap:8px;align-items:flex-start;margin:6px 0}.curl code{flex:1;padding:6px 8px;display:block;white-space:pre-wrap}
button{font:inherit;font-size:12px;border:1px solid var(--line);background:var(--panel);color:var(--text);border-radius:6px;padding:4px 10px;cursor:pointer}
button:hover{border-color:var(--accent)}
details>summary{cursor:pointer;color:var(--muted);margin:4px 0}details[open]>summary{color:var(--text)}
.compact li{margin:3px 0}
.hist{width:100%;height:auto;display:block}
.threshold{stroke-width:2}.threshold-label{font-size:11px;font-weight:600}
line.t-p95{stroke:var(--warn)}line.t-p99{stroke:var(--fail)}text.t-p95{fill:var(--warn)}text.t-p99{fill:var(--fail)}
.legend .t-p95{color:var(--warn);font-weight:400}.legend .t-p99{color:var(--fail);font-weight:400}
.few-samples{margin:6px 0;color:var(--muted)}
main{overflow-wrap:anywhere}td,th,li,p,summary,h3,h4,.msg{overflow-wrap:anywhere;min-width:0}.hist-bar{fill:var(--accent);opacity:.75}.hist-bar:hover{opacity:1}
.axis{font-size:11px;fill:var(--muted)}.axis-line{stroke:var(--line)}
.marker{stroke-width:1.5;stroke-dasharray:4 3}.marker-label{font-size:11px;font-weight:600}
line.m-p50{stroke:var(--pass)}line.m-p95{stroke:var(--warn)}line.m-p99{stroke:var(--fail)}
text.m-p50{fill:var(--pass)}text.m-p95{fill:var(--warn)}text.m-p99{fill:var(--fail)}
.figures{margin:2px 0 6px;color:var(--muted);font-size:13px}
.toolbar{float:right}
footer{max-width:1080px;margin:24px auto;padding:0 20px 30px;color:var(--muted);font-size:12px}
.curl code{min-width:0}
.legend{display:none;gap:12px;margin:4px 0 0;font-size:13px;font-weight:600;flex-wrap:wrap}
.legend .m-p50{color:var(--pass)}.legend .m-p95{color:var(--warn)}.legend .m-p99{color:var(--fail)}
.charts-note{margin:0 0 10px}
@media (max-width:640px){
main,.top,footer{padding-left:12px;padding-right:12px}
.top{gap:12px;padding-top:14px}.gauge{width:96px;height:96px}.headline{min-width:0;flex-basis:100%}
.panel{padding:12px}h1{font-size:21px}h2{font-size:18px}
.toolbar{float:none;display:block;margin-top:6px}
table.checklist,table.checklist tbody,table.checklist tr,table.checklist td{display:block;width:100%}
table.checklist thead{display:none}
table.checklist tr{padding:10px 0;border-bottom:1px solid var(--line)}table.checklist tr:last-child{border-bottom:0}
table.checklist td{border:0;padding:2px 0}
table.checklist td.n{display:none}
table.checklist td.st{display:inline-block;width:auto;margin-right:10px}table.checklist td.num{display:inline-block;width:auto}
.hist .axis{font-size:22px}.hist .marker-label,.hist .threshold-label{display:none}.legend{display:flex}
.finding{padding-left:8px}
}
@media print{body{background:#fff}.toolbar,button{display:none}.panel{break-inside:avoid-page}}
.stack-badge{display:inline-block;padding:1px 8px;border-radius:4px;font-size:12px;font-weight:700;background:var(--code);border:1px solid currentColor;margin-right:6px}.stack-fix pre{margin-top:4px}
`;

/** Copy buttons for curl lines, expand/collapse all, and open every details element when printing. */
export const SCRIPT = `
(function(){
  function copyText(text){
    if(navigator.clipboard&&window.isSecureContext){return navigator.clipboard.writeText(text);}
    var area=document.createElement('textarea');area.value=text;area.setAttribute('readonly','');
    area.style.position='fixed';area.style.opacity='0';document.body.appendChild(area);area.select();
    var ok=false;try{ok=document.execCommand('copy');}catch(e){ok=false;}
    document.body.removeChild(area);return ok?Promise.resolve():Promise.reject(new Error('copy refused'));
  }
  document.addEventListener('click',function(event){
    var target=event.target;if(!(target instanceof Element))return;
    var button=target.closest('button[data-copy]');
    if(button){
      var source=document.getElementById(button.getAttribute('data-copy'));if(!source)return;
      copyText(source.textContent||'').then(function(){button.textContent='Copied';},function(){button.textContent='Select and copy';})
        .then(function(){setTimeout(function(){button.textContent='Copy';},1500);});
      return;
    }
    var toggle=target.closest('button[data-details]');
    if(toggle){var open=toggle.getAttribute('data-details')==='open';
      document.querySelectorAll('details').forEach(function(d){d.open=open;});}
  });
  window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
})();
`;
