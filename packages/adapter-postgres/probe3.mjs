import { loadModule, parseSync } from 'libpg-query';
let t0 = performance.now();
await loadModule();
console.log('load ms', performance.now() - t0);
t0 = performance.now();
for (const sql of process.argv.slice(2)) {
  try { const r = parseSync(sql); console.log(sql, '\n  ', JSON.stringify(r).slice(0, 900)); } catch (e) { console.log(sql, 'ERR', e.message.slice(0,200), JSON.stringify(e.sqlDetails ?? {})); }
}
console.log('parse ms', performance.now() - t0);
