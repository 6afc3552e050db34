// The investigators' graph view (/explore): search a subject, draw its neighbourhood,
// expand nodes, find shortest paths. All data comes from /graphql with the bearer token
// the investigator pastes (kept in sessionStorage: gone when the tab closes). Text from
// the server only ever goes into textContent, never into HTML.
//
// The interface speaks zh-CN: every enum the page shows is named through one table,
// web/labels.json (a test checks it covers the schema's enums); dates are YYYY-MM-DD as the
// server sends them, never the browser's locale format.
import cytoscape from 'cytoscape';
import LABELS from './labels.json';
import { labelBox, placeLabels } from './label-placement.js';

const TOKEN = 'credit-graph.token';
const PURPOSE = 'credit-graph.purpose';
const MAX_NODES = 200;
const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif';

// The readable name of an enum value (`type` as in the schema); the value itself if unknown.
function label(type, value) {
  if (value === null || value === undefined) return '';
  return (LABELS[type] && LABELS[type][value]) || value;
}

// One look per edge kind: cytoscape draws it, the legend shows it.
const EDGE_LOOK = {
  ROLE: { color: '#5b7391', style: 'solid' },
  LISTED: { color: '#d98c8c', style: 'solid' },
  RECOGNISED_BY: { color: '#b0b0b0', style: 'dotted' },
  DERIVED_FROM: { color: '#8e44ad', style: 'solid' },
  THROUGH: { color: '#c39bd3', style: 'dashed' },
};

const SUBJECT_FIELDS = 'id kind name uscc idNumberMasked status blackListed';
const NEIGHBOURHOOD = `query Neighbourhood($s: SubjectRef!, $depth: Int!, $asOf: Date, $max: Int!) {
  neighbourhood(subject: $s, depth: $depth, roles: {asOf: $asOf}, maxNodes: $max) {
    rootId truncated
    nodes { id kind label hops blackListed
      subject { ${SUBJECT_FIELDS} }
      entry { id kind category facts severity disclosure recognisedOn validUntil actOn derived
              derivedRoles throughOrganizationName explanation department { name level } }
      department { id name level } }
    edges { id kind source target role start end } } }`;
const SEARCH = `query Search($text: String!) { searchSubjects(name: $text, first: 10) {
  edges { node { id name kind ... on Organization { uscc } ... on Person { idNumberMasked } } } } }`;
const PATHS = `query Paths($from: SubjectRef!, $to: SubjectRef!, $asOf: Date) {
  shortestPaths(from: $from, to: $to, maxHops: 6, roles: {asOf: $asOf}, first: 5) {
    totalCount
    edges { node { length nodes { ${SUBJECT_FIELDS} }
                   steps { from to role { id kind start end } } } } } }`;

const $ = (id) => document.getElementById(id);
const state = { selected: null, from: null, to: null };

function status(text, error = false) {
  const out = $('status');
  out.textContent = text;
  out.classList.toggle('error', error);
}

async function gql(query, variables) {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) throw new Error('请先填写令牌');
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      // header values are bytes: the gateway reads percent-encoded UTF-8
      'x-credit-purpose': encodeURIComponent(sessionStorage.getItem(PURPOSE) || ''),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    throw new Error(`${e.extensions?.code || response.status}: ${e.message}`);
  }
  return body.data;
}

const cy = cytoscape({
  container: $('graph'),
  wheelSensitivity: 0.3,
  style: [
    { selector: 'node', style: {
      label: 'data(label)', 'font-size': 10, 'font-family': FONT, 'text-valign': 'bottom',
      'text-margin-y': 3, 'text-background-color': '#fafafa', 'text-background-opacity': 0.8,
      'text-wrap': 'ellipsis', 'text-max-width': 140, width: 22, height: 22,
      'background-color': '#9db7d9', 'border-width': 1, 'border-color': '#567' } },
    { selector: 'node[kind = "ORGANIZATION"]', style: { shape: 'round-rectangle', 'background-color': '#d6e4f5' } },
    { selector: 'node[kind = "PERSON"]', style: { shape: 'ellipse', 'background-color': '#dff0d8' } },
    { selector: 'node[kind = "LIST_ENTRY"]', style: { shape: 'diamond', width: 16, height: 16, 'background-color': '#c62828', 'font-size': 8 } },
    { selector: 'node[kind = "LIST_ENTRY"][?black]', style: { 'background-color': '#222' } },
    { selector: 'node[kind = "DEPARTMENT"]', style: { shape: 'triangle', width: 14, height: 14, 'background-color': '#bbb', 'font-size': 8 } },
    { selector: 'node[?black][kind != "LIST_ENTRY"]', style: { 'border-width': 4, 'border-color': '#c00' } },
    { selector: 'node[?root]', style: { width: 30, height: 30, 'font-weight': 'bold' } },
    { selector: 'node:selected', style: { 'overlay-color': '#1f3a5f', 'overlay-opacity': 0.25 } },
    { selector: 'edge', style: {
      width: 1.2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.7,
      label: 'data(label)', 'font-size': 7, 'font-family': FONT, 'text-rotation': 'autorotate',
      color: '#555' } },
    ...Object.entries(EDGE_LOOK).map(([kind, look]) => ({
      selector: `edge[kind = "${kind}"]`,
      style: { 'line-color': look.color, 'target-arrow-color': look.color, 'line-style': look.style },
    })),
    { selector: 'edge[?ended]', style: { 'line-style': 'dashed', 'line-dash-pattern': [2, 3] } },
    { selector: 'edge.on-path', style: { 'line-color': '#e65100', 'target-arrow-color': '#e65100', width: 3 } },
    { selector: 'node.on-path', style: { 'border-color': '#e65100', 'border-width': 4 } },
    { selector: 'node.on-path[?black][kind != "LIST_ENTRY"]', style: { 'border-color': '#c00', 'outline-color': '#e65100', 'outline-width': 3 } },
    // Names that would overlap another are hidden until hovered or selected (placeLabels).
    { selector: '.quiet', style: { 'text-opacity': 0, 'text-background-opacity': 0 } },
    { selector: '.quiet.hover, .quiet:selected', style: { 'text-opacity': 1, 'text-background-opacity': 0.9, 'z-index': 10 } },
  ],
  layout: { name: 'grid' },
});

function roleLabel(e) {
  const name = label('RoleKind', e.role);
  return e.end ? `${name} ${e.start}至${e.end}` : `${name} ${e.start}起`;
}

function layout() {
  cy.layout({ name: 'cose', animate: false, randomize: false, nodeDimensionsIncludeLabels: true,
              nodeRepulsion: () => 16000, nodeOverlap: 20, idealEdgeLength: () => 90,
              componentSpacing: 80, fit: true, padding: 30 }).run();
  placeLabels(cy);
}

function subjectNode(s, hops) {
  return { id: s.id, kind: s.kind, label: s.name, hops, black: s.blackListed, subject: s };
}

// Adds what is new (by id) and lays the graph out again; returns the number of new nodes.
function merge(nodes, edges) {
  const added = [];
  for (const n of nodes) {
    const existing = cy.getElementById(n.id);
    if (existing.nonempty()) {
      if (n.black) existing.data('black', true);
      continue;
    }
    added.push({ group: 'nodes', data: n });
  }
  for (const e of edges) {
    if (cy.getElementById(e.id).nonempty()) continue;
    added.push({ group: 'edges', data: e });
  }
  cy.add(added.filter((x) => x.group === 'nodes'));
  cy.add(added.filter((x) => x.group === 'edges'
    && cy.getElementById(x.data.source).nonempty() && cy.getElementById(x.data.target).nonempty()));
  layout();
  return added.filter((x) => x.group === 'nodes').length;
}

// Hops count from the subject first searched: an expansion adds its own distances to the
// expanded node's (unknown when that node came from a path).
function graphElements(g, offset) {
  const nodes = g.nodes.map((n) => ({
    id: n.id, kind: n.kind, label: n.label, black: n.blackListed,
    hops: n.hops === null || offset === null ? null : offset + n.hops,
    root: offset === 0 && n.id === g.rootId, subject: n.subject, entry: n.entry,
    department: n.department,
  }));
  const edges = g.edges.map((e) => ({
    id: e.id, source: e.source, target: e.target, kind: e.kind, role: e.role,
    start: e.start, end: e.end, ended: Boolean(e.end),
    label: e.kind === 'ROLE' ? roleLabel(e) : label('EdgeKind', e.kind),
  }));
  return [nodes, edges];
}

async function explore(subjectId, depth, replace) {
  status('正在载入关系图 …');
  const asOf = asOfDate();
  const data = await gql(NEIGHBOURHOOD, { s: { id: subjectId }, depth, asOf, max: MAX_NODES });
  const g = data.neighbourhood;
  if (!g) { status('查无此主体。', true); return; }
  if (replace) cy.elements().remove();
  const from = cy.getElementById(subjectId);
  const offset = replace ? 0 : from.nonempty() ? from.data('hops') ?? null : null;
  const [nodes, edges] = graphElements(g, offset);
  const added = merge(nodes, edges);
  const black = nodes.filter((n) => n.black && n.kind !== 'LIST_ENTRY').length;
  status(`共 ${cy.nodes().length} 个节点（新增 ${added} 个），其中黑名单主体 ${black} 个`
    + (g.truncated ? `；已截断于 ${MAX_NODES} 个节点` : '') + '。');
  select(cy.getElementById(subjectId));
}

function field(list, name, value) {
  if (value === null || value === undefined || value === '') return;
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = Array.isArray(value) ? value.join('、') : String(value);
  list.append(dt, dd);
}

function select(node) {
  if (!node || node.empty()) return;
  cy.nodes().unselect();
  node.select();
  const d = node.data();
  state.selected = d;
  $('details').hidden = false;
  $('details-title').textContent = d.label;
  const list = $('details-fields');
  list.replaceChildren();
  let explanation = '';
  field(list, '类型', label('NodeKind', d.kind));
  if (d.subject) {
    field(list, '统一社会信用代码', d.subject.uscc);
    field(list, '身份证号', d.subject.idNumberMasked);
    field(list, '登记状态', d.subject.status);
    field(list, '跳数', d.hops);
    field(list, '黑名单', d.black ? '是' : '否');
  } else if (d.entry) {
    const e = d.entry;
    field(list, '名单', label('ListKind', e.kind));
    field(list, '类别', e.category);
    field(list, '失信事实', e.facts);
    field(list, '严重程度', label('Severity', e.severity));
    field(list, '公开方式', label('Disclosure', e.disclosure));
    field(list, '认定日期', e.recognisedOn);
    field(list, '有效期至', e.validUntil);
    field(list, '认定部门', e.department && e.department.name);
    if (e.derived) {
      field(list, '经由组织', e.throughOrganizationName);
      field(list, '职务', (e.derivedRoles || []).map((r) => label('RoleKind', r)));
      explanation = e.explanation || '';
    }
  } else if (d.department) {
    field(list, '级别', label('JurisdictionLevel', d.department.level));
  }
  $('details-explanation').textContent = explanation;
  const subject = Boolean(d.subject);
  for (const id of ['expand', 'set-from', 'set-to']) $(id).disabled = !subject;
}

function showEnds() {
  $('path-from').textContent = state.from ? state.from.label : '—';
  $('path-to').textContent = state.to ? state.to.label : '—';
  $('find-path').disabled = !(state.from && state.to && state.from.id !== state.to.id);
}

async function findPath() {
  status('正在查找最短路径 …');
  const asOf = asOfDate();
  const data = await gql(PATHS, { from: { id: state.from.id }, to: { id: state.to.id }, asOf });
  const found = data.shortestPaths;
  const list = $('path-result');
  list.replaceChildren();
  cy.elements().removeClass('on-path');
  if (!found.edges.length) {
    status('6 跳之内没有路径。');
    return;
  }
  const nodes = []; const edges = [];
  for (const { node: path } of found.edges) {
    path.nodes.forEach((s) => nodes.push(subjectNode(s, null)));
    const words = [path.nodes[0].name];
    path.steps.forEach((step, i) => {
      const person = path.nodes[i].kind === 'PERSON' ? step.from : step.to;
      const org = person === step.from ? step.to : step.from;
      edges.push({ id: step.role.id, source: person, target: org, kind: 'ROLE', role: step.role.kind,
                   start: step.role.start, end: step.role.end, ended: Boolean(step.role.end),
                   label: roleLabel({ role: step.role.kind, start: step.role.start, end: step.role.end }) });
      words.push(`→ ${roleLabel({ role: step.role.kind, start: step.role.start, end: step.role.end })} → ${path.nodes[i + 1].name}`);
    });
    const li = document.createElement('li');
    li.textContent = words.join(' ');
    list.append(li);
  }
  merge(nodes, edges);
  for (const { node: path } of found.edges) {
    path.nodes.forEach((s) => cy.getElementById(s.id).addClass('on-path'));
    path.steps.forEach((s) => cy.getElementById(s.role.id).addClass('on-path'));
  }
  placeLabels(cy);
  status(`找到 ${found.totalCount} 条最短路径（${found.edges[0].node.length} 跳），显示 ${found.edges.length} 条。`);
}

async function search(text) {
  status('正在查询 …');
  const data = await gql(SEARCH, { text });
  const list = $('results');
  list.replaceChildren();
  for (const { node } of data.searchSubjects.edges) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.id = node.id;
    button.textContent = `${node.name}（${node.uscc || node.idNumberMasked || label('NodeKind', node.kind)}）`;
    button.addEventListener('click', () => run(() => explore(node.id, Number($('depth').value), true)));
    li.append(button);
    list.append(li);
  }
  status(data.searchSubjects.edges.length ? '请选择一个主体。' : '未找到。');
  if (data.searchSubjects.edges.length === 1) list.querySelector('button').click();
}

// The "roles held on" date: YYYY-MM-DD whatever the browser's locale, or none (today).
function asOfDate() {
  const text = $('as-of').value.trim();
  if (!text) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Error('日期格式应为 YYYY-MM-DD');
  return text;
}

function zoomBy(factor) {
  const box = $('graph').getBoundingClientRect();
  cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: box.width / 2, y: box.height / 2 } });
}

// The whole graph as a PNG at twice the screen's resolution, on white, names included.
function exportPng() {
  if (cy.elements().empty()) { status('图中还没有节点。', true); return; }
  const blob = cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `credit-graph-${new Date().toISOString().slice(0, 10)}.png`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  status(`已导出 PNG（${cy.nodes().length} 个节点）。`);
}

function legendItem(list, mark, text) {
  const li = document.createElement('li');
  const span = document.createElement('span');
  li.append(mark, span);
  span.textContent = text;
  list.append(li);
}

// Node shapes and edge lines, named from the label table.
function legend() {
  const nodes = $('legend-nodes');
  const swatch = (background, border) => {
    const s = document.createElement('span');
    s.className = 'swatch';
    s.style.background = background;
    if (border) s.style.borderColor = border;
    return s;
  };
  legendItem(nodes, swatch('#d6e4f5'), label('NodeKind', 'ORGANIZATION'));
  legendItem(nodes, swatch('#dff0d8'), label('NodeKind', 'PERSON'));
  legendItem(nodes, swatch('#fff', '#c00'), '黑名单主体');
  legendItem(nodes, swatch('#222'), `${label('ListKind', 'BLACK')}条目`);
  legendItem(nodes, swatch('#c62828'), `${label('ListKind', 'RED')}条目`);
  legendItem(nodes, swatch('#bbb'), label('NodeKind', 'DEPARTMENT'));
  const edges = $('legend-edges');
  const line = (color, style) => {
    const s = document.createElement('span');
    s.className = 'line';
    s.style.borderTopColor = color;
    s.style.borderTopStyle = style;
    return s;
  };
  for (const [kind, look] of Object.entries(EDGE_LOOK)) {
    legendItem(edges, line(look.color, look.style), label('EdgeKind', kind));
  }
  legendItem(edges, line(EDGE_LOOK.ROLE.color, 'dashed'), '已离任');
  legendItem(edges, line('#e65100', 'solid'), '最短路径');
}

function run(work) {
  work().catch((err) => status(err.message, true));
}

function init() {
  document.body.classList.add('ready');
  $('token').value = sessionStorage.getItem(TOKEN) || '';
  $('purpose').value = sessionStorage.getItem(PURPOSE) || '';
  $('auth').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN, $('token').value.trim());
    sessionStorage.setItem(PURPOSE, $('purpose').value.trim());
    status('令牌已保存在本标签页。请输入名称、统一社会信用代码或身份证号查询。');
  });
  $('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(PURPOSE);
    $('token').value = '';
    cy.elements().remove();
    status('令牌已清除。');
  });
  $('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    run(() => search($('search-text').value.trim()));
  });
  cy.on('tap', 'node', (ev) => select(ev.target));
  cy.on('mouseover', 'node, edge', (ev) => ev.target.addClass('hover'));
  cy.on('mouseout', 'node, edge', (ev) => ev.target.removeClass('hover'));
  $('zoom-in').addEventListener('click', () => zoomBy(1.25));
  $('zoom-out').addEventListener('click', () => zoomBy(0.8));
  $('fit').addEventListener('click', () => cy.fit(undefined, 30));
  $('export-png').addEventListener('click', exportPng);
  legend();
  $('expand').addEventListener('click', () => run(() => explore(state.selected.id, 1, false)));
  $('set-from').addEventListener('click', () => { state.from = state.selected; showEnds(); });
  $('set-to').addEventListener('click', () => { state.to = state.selected; showEnds(); });
  $('find-path').addEventListener('click', () => run(findPath));
  window.creditGraphExplore = { cy, labelBox }; // for the browser test and the console
}

init();
