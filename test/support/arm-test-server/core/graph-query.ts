/**
 * The subset of KQL the toolkit sends to Resource Graph, parsed strictly: anything outside it is a
 * 400 InvalidQuery, so a query the fake cannot evaluate faithfully fails loudly instead of quietly
 * returning wrong rows.
 *
 *   query   := table ('|' stage)*
 *   table   := resources | resourcecontainers
 *   stage   := where expr | project col (',' col)* | order by field [asc|desc] | limit N | take N
 *   col     := field | name '=' field
 *   expr    := term (('and'|'or') term)*   ('and' binds tighter), 'not'? '(' expr ')'
 *   term    := field op literal | field in~? '(' literal, ... ')' | isnotempty(field) | isempty(field)
 *   op      := == != =~ !~ contains !contains startswith
 *   field   := column | column.prop | column['key'] | column["key"] (nested)
 */

export type Row = Record<string, unknown>;

type Field = { column: string; path: string[] };
type Expr =
  | { kind: "and" | "or"; left: Expr; right: Expr }
  | { kind: "not"; inner: Expr }
  | { kind: "cmp"; op: string; field: Field; value: string | number | boolean }
  | { kind: "in"; negate: boolean; ci: boolean; field: Field; values: Array<string | number> }
  | { kind: "empty"; negate: boolean; field: Field };
type Stage =
  | { kind: "where"; expr: Expr }
  | { kind: "project"; cols: Array<{ as: string; field: Field }> }
  | { kind: "order"; field: Field; desc: boolean }
  | { kind: "limit"; n: number };

export interface GraphQuery {
  table: "resources" | "resourcecontainers";
  stages: Stage[];
  /** Whether `id` survives projection (ARG pages only stable-sorted results). */
  projectsId: boolean;
}

export class GraphQueryError extends Error {}

const COLUMNS = new Set([
  "id", "name", "type", "tenantid", "kind", "location", "resourcegroup", "subscriptionid", "managedby",
  "sku", "plan", "properties", "tags", "identity", "zones", "extendedlocation",
]);

type Tok = { t: "id" | "str" | "num" | "op"; v: string };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "/" && src[i + 1] === "/") { while (i < src.length && src[i] !== "\n") i++; continue; }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) { s += src[j + 1]; j += 2; continue; }
        s += src[j++];
      }
      if (j >= src.length) throw new GraphQueryError("unterminated string literal");
      toks.push({ t: "str", v: s });
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", "=~", "!~", "<=", ">="].includes(two)) { toks.push({ t: "op", v: two }); i += 2; continue; }
    // < and > are tokenized only so the parser can name them as unsupported.
    if ("|(),[].=<>".includes(c)) { toks.push({ t: "op", v: c }); i++; continue; }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < src.length && /[0-9.]/.test(src[j])) j++;
      toks.push({ t: "num", v: src.slice(i, j) });
      i = j;
      continue;
    }
    if (/[A-Za-z_!]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_~]/.test(src[j])) j++;
      toks.push({ t: "id", v: src.slice(i, j) });
      i = j;
      continue;
    }
    throw new GraphQueryError(`unexpected character '${c}'`);
  }
  return toks;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined { return this.toks[this.i]; }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new GraphQueryError("unexpected end of query");
    return t;
  }
  private isOp(v: string): boolean { const t = this.peek(); return !!t && t.t === "op" && t.v === v; }
  private isWord(v: string): boolean { const t = this.peek(); return !!t && t.t === "id" && t.v.toLowerCase() === v; }
  private expectOp(v: string): void {
    const t = this.next();
    if (t.t !== "op" || t.v !== v) throw new GraphQueryError(`expected '${v}' but found '${t.v}'`);
  }

  parse(): GraphQuery {
    const table = this.next();
    const name = table.v.toLowerCase();
    if (table.t !== "id" || (name !== "resources" && name !== "resourcecontainers")) {
      throw new GraphQueryError(`table '${table.v}' is not supported by the ARM test server (resources, resourcecontainers)`);
    }
    const stages: Stage[] = [];
    while (this.peek()) {
      this.expectOp("|");
      const op = this.next();
      const kw = op.v.toLowerCase();
      if (kw === "where") stages.push({ kind: "where", expr: this.expr() });
      else if (kw === "project") stages.push({ kind: "project", cols: this.projectCols() });
      else if (kw === "order" || kw === "sort") {
        if (!this.isWord("by")) throw new GraphQueryError("expected 'by' after order");
        this.next();
        const field = this.field();
        let desc = true; // KQL's default order is descending
        if (this.isWord("asc")) { this.next(); desc = false; } else if (this.isWord("desc")) { this.next(); }
        stages.push({ kind: "order", field, desc });
      } else if (kw === "limit" || kw === "take") {
        const n = this.next();
        if (n.t !== "num") throw new GraphQueryError("limit needs a number");
        stages.push({ kind: "limit", n: Number(n.v) });
      } else throw new GraphQueryError(`operator '${op.v}' is not supported by the ARM test server`);
    }
    let projectsId = true;
    for (const s of stages) if (s.kind === "project") projectsId = s.cols.some((c) => c.as.toLowerCase() === "id");
    return { table: name, stages, projectsId };
  }

  private projectCols(): Array<{ as: string; field: Field }> {
    const cols: Array<{ as: string; field: Field }> = [];
    for (;;) {
      const first = this.field();
      if (this.isOp("=")) {
        if (first.path.length > 0) throw new GraphQueryError("invalid alias");
        this.next();
        cols.push({ as: first.column, field: this.field() });
      } else {
        cols.push({ as: first.path.length ? first.path[first.path.length - 1] : first.column, field: first });
      }
      if (!this.isOp(",")) break;
      this.next();
    }
    return cols;
  }

  private field(): Field {
    const t = this.next();
    if (t.t !== "id") throw new GraphQueryError(`expected a column but found '${t.v}'`);
    const path: string[] = [];
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        const p = this.next();
        if (p.t !== "id") throw new GraphQueryError("expected a property name after '.'");
        path.push(p.v);
      } else if (this.isOp("[")) {
        this.next();
        const k = this.next();
        if (k.t !== "str") throw new GraphQueryError("expected a quoted key inside [ ]");
        this.expectOp("]");
        path.push(k.v);
      } else break;
    }
    return { column: t.v, path };
  }

  private expr(): Expr {
    let left = this.andExpr();
    while (this.isWord("or")) { this.next(); left = { kind: "or", left, right: this.andExpr() }; }
    return left;
  }

  private andExpr(): Expr {
    let left = this.term();
    while (this.isWord("and")) { this.next(); left = { kind: "and", left, right: this.term() }; }
    return left;
  }

  private literal(): string | number | boolean {
    const t = this.next();
    if (t.t === "str") return t.v;
    if (t.t === "num") return Number(t.v);
    if (t.t === "id" && (t.v === "true" || t.v === "false")) return t.v === "true";
    throw new GraphQueryError(`expected a literal but found '${t.v}'`);
  }

  private term(): Expr {
    if (this.isWord("not")) {
      this.next();
      this.expectOp("(");
      const inner = this.expr();
      this.expectOp(")");
      return { kind: "not", inner };
    }
    if (this.isOp("(")) {
      this.next();
      const e = this.expr();
      this.expectOp(")");
      return e;
    }
    for (const fn of ["isnotempty", "isempty", "isnotnull", "isnull"]) {
      if (this.isWord(fn)) {
        this.next();
        this.expectOp("(");
        const field = this.field();
        this.expectOp(")");
        return { kind: "empty", negate: fn.startsWith("isnot"), field };
      }
    }
    const field = this.field();
    const op = this.next();
    const v = op.v.toLowerCase();
    if (op.t === "op" && ["==", "!=", "=~", "!~"].includes(op.v)) return { kind: "cmp", op: op.v, field, value: this.literal() };
    if (op.t === "id" && ["contains", "!contains", "startswith", "contains_cs"].includes(v)) return { kind: "cmp", op: v, field, value: this.literal() };
    if (op.t === "id" && ["in", "in~", "!in", "!in~"].includes(v)) {
      this.expectOp("(");
      const values: Array<string | number> = [];
      for (;;) {
        const lit = this.literal();
        values.push(typeof lit === "boolean" ? String(lit) : lit);
        if (this.isOp(",")) { this.next(); continue; }
        break;
      }
      this.expectOp(")");
      return { kind: "in", negate: v.startsWith("!"), ci: v.endsWith("~"), field, values };
    }
    throw new GraphQueryError(`operator '${op.v}' is not supported by the ARM test server`);
  }
}

export function parseGraphQuery(query: string): GraphQuery {
  const q = new Parser(tokenize(query)).parse();
  for (const s of q.stages) {
    const fields: Field[] = s.kind === "where" ? fieldsOf(s.expr) : s.kind === "project" ? s.cols.map((c) => c.field) : s.kind === "order" ? [s.field] : [];
    for (const f of fields) {
      if (!COLUMNS.has(f.column.toLowerCase()) && !(s.kind !== "where" && isAlias(q, f.column))) {
        throw new GraphQueryError(`column '${f.column}' is not known to the ARM test server`);
      }
    }
  }
  return q;
}

function isAlias(q: GraphQuery, name: string): boolean {
  return q.stages.some((s) => s.kind === "project" && s.cols.some((c) => c.as === name));
}

function fieldsOf(e: Expr): Field[] {
  switch (e.kind) {
    case "and":
    case "or": return [...fieldsOf(e.left), ...fieldsOf(e.right)];
    case "not": return fieldsOf(e.inner);
    default: return [e.field];
  }
}

function columnValue(row: Row, column: string): unknown {
  if (column in row) return row[column];
  const key = Object.keys(row).find((k) => k.toLowerCase() === column.toLowerCase());
  return key === undefined ? undefined : row[key];
}

/** Property access is case-sensitive in KQL (tags['Lab-Id'] is not tags['lab-id']). */
function get(row: Row, f: Field): unknown {
  let v = columnValue(row, f.column);
  for (const p of f.path) {
    if (v && typeof v === "object" && !Array.isArray(v)) v = (v as Record<string, unknown>)[p];
    else return undefined;
  }
  return v;
}

function asText(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function evaluate(e: Expr, row: Row): boolean {
  switch (e.kind) {
    case "and": return evaluate(e.left, row) && evaluate(e.right, row);
    case "or": return evaluate(e.left, row) || evaluate(e.right, row);
    case "not": return !evaluate(e.inner, row);
    case "empty": {
      const v = get(row, e.field);
      const empty = v === undefined || v === null || v === "";
      return e.negate ? !empty : empty;
    }
    case "in": {
      const v = asText(get(row, e.field));
      const hit = e.values.some((x) => (e.ci ? String(x).toLowerCase() === v.toLowerCase() : String(x) === v));
      return e.negate ? !hit : hit;
    }
    case "cmp": {
      const raw = get(row, e.field);
      const v = asText(raw);
      const x = String(e.value);
      switch (e.op) {
        case "==": return v === x;
        case "!=": return v !== x;
        case "=~": return v.toLowerCase() === x.toLowerCase();
        case "!~": return v.toLowerCase() !== x.toLowerCase();
        case "contains": return v.toLowerCase().includes(x.toLowerCase());
        case "!contains": return !v.toLowerCase().includes(x.toLowerCase());
        case "contains_cs": return v.includes(x);
        case "startswith": return v.toLowerCase().startsWith(x.toLowerCase());
      }
      return false;
    }
  }
}

/** Runs a parsed query over rows (already sorted by id for stable paging). */
export function runGraphQuery(q: GraphQuery, rows: Row[]): Row[] {
  let out = rows;
  for (const s of q.stages) {
    if (s.kind === "where") out = out.filter((r) => evaluate(s.expr, r));
    else if (s.kind === "project") out = out.map((r) => Object.fromEntries(s.cols.map((c) => [c.as, get(r, c.field) ?? null])));
    else if (s.kind === "order") {
      const dir = s.desc ? -1 : 1;
      out = [...out].sort((a, b) => dir * asText(get(a, s.field)).localeCompare(asText(get(b, s.field))));
    } else if (s.kind === "limit") out = out.slice(0, s.n);
  }
  return out;
}
