const which = process.argv[2];
const mod = (await import(`node-sql-parser/build/${which}.js`)).default;
const { Parser } = mod;
const p = new Parser();
for (const sql of process.argv.slice(3)) {
  try { const r = p.parse(sql); console.log(sql, '\n  ', JSON.stringify(r.tableList), JSON.stringify(r.columnList), JSON.stringify(r.ast).slice(0, 600)); } catch (e) { console.log(sql, 'ERR', e.message.slice(0,200)); }
}
