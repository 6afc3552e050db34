// The investigators' graph view (/explore): search a subject, draw its neighbourhood,
// expand nodes, find shortest paths. All data comes from /graphql with the bearer token
// the investigator pastes (kept in sessionStorage: gone when the tab closes). Text from
// the server only ever goes into textContent, never into HTML.
import cytoscape from 'cytoscape';

const TOKEN = 'credit-graph.token';
const PURPOSE = 'credit-graph.purpose';
const MAX_NODES = 200;

const ROLE_NAMES = {
  LEGAL_REPRESENTATIVE: '法定代表人', PRINCIPAL_RESPONSIBLE: '主要负责人', DIRECTOR: '董事',
  SUPERVISOR: '监事', SENIOR_MANAGER: '高级管理人员', DIRECTLY_RESPONSIBLE: '直接责任人',
};
const EDGE_NAMES = { LISTED: '名单', RECOGNISED_BY: '认定', DERIVED_FROM: '源自', THROUGH: '经由' };

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
  if (!token) throw new Error('paste a token first');
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
      label: 'data(label)', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 3,
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
      width: 1.2, 'curve-style': 'bezier', 'line-color': '#8a9bb0', 'target-arrow-shape': 'triangle',
      'target-arrow-color': '#8a9bb0', 'arrow-scale': 0.7, label: 'data(label)', 'font-size': 7,
      'text-rotation': 'autorotate', color: '#555' } },
    { selector: 'edge[?ended]', style: { 'line-style': 'dashed' } },
    { selector: 'edge[kind != "ROLE"]', style: { 'line-color': '#ccc', 'target-arrow-color': '#ccc' } },
    { selector: 'edge.on-path', style: { 'line-color': '#e65100', 'target-arrow-color': '#e65100', width: 3 } },
    { selector: 'node.on-path', style: { 'border-color': '#e65100', 'border-width': 4 } },
    { selector: 'node.on-path[?black][kind != "LIST_ENTRY"]', style: { 'border-color': '#c00', 'outline-color': '#e65100', 'outline-width': 3 } },
  ],
  layout: { name: 'grid' },
});

function roleLabel(e) {
  const name = ROLE_NAMES[e.role] || e.role;
  return e.end ? `${name} ${e.start}至${e.end}` : `${name} ${e.start}起`;
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
  cy.layout({ name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 9000,
              idealEdgeLength: () => 70, fit: true, padding: 30 }).run();
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
    label: e.kind === 'ROLE' ? roleLabel(e) : EDGE_NAMES[e.kind] || e.kind,
  }));
  return [nodes, edges];
}

async function explore(subjectId, depth, replace) {
  status('Loading the neighbourhood …');
  const asOf = $('as-of').value || null;
  const data = await gql(NEIGHBOURHOOD, { s: { id: subjectId }, depth, asOf, max: MAX_NODES });
  const g = data.neighbourhood;
  if (!g) { status('No such subject.', true); return; }
  if (replace) cy.elements().remove();
  const from = cy.getElementById(subjectId);
  const offset = replace ? 0 : from.nonempty() ? from.data('hops') ?? null : null;
  const [nodes, edges] = graphElements(g, offset);
  const added = merge(nodes, edges);
  const black = nodes.filter((n) => n.black && n.kind !== 'LIST_ENTRY').length;
  status(`${cy.nodes().length} nodes (${added} new), ${black} black-listed subject(s) here`
    + (g.truncated ? `; cut at ${MAX_NODES} nodes` : '') + '.');
  select(cy.getElementById(subjectId));
}

function field(list, name, value) {
  if (value === null || value === undefined || value === '') return;
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = Array.isArray(value) ? value.join(', ') : String(value);
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
  field(list, 'kind', d.kind);
  if (d.subject) {
    field(list, 'USCC', d.subject.uscc);
    field(list, 'ID number', d.subject.idNumberMasked);
    field(list, 'status', d.subject.status);
    field(list, 'hops', d.hops);
    field(list, 'black-listed', d.black ? 'yes' : 'no');
  } else if (d.entry) {
    const e = d.entry;
    field(list, 'list', e.kind);
    field(list, 'category', e.category);
    field(list, 'facts', e.facts);
    field(list, 'severity', e.severity);
    field(list, 'disclosure', e.disclosure);
    field(list, 'recognised', e.recognisedOn);
    field(list, 'valid until', e.validUntil);
    field(list, 'department', e.department && e.department.name);
    if (e.derived) {
      field(list, 'derived through', e.throughOrganizationName);
      field(list, 'roles', (e.derivedRoles || []).map((r) => ROLE_NAMES[r] || r));
      explanation = e.explanation || '';
    }
  } else if (d.department) {
    field(list, 'level', d.department.level);
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
  status('Finding shortest paths …');
  const asOf = $('as-of').value || null;
  const data = await gql(PATHS, { from: { id: state.from.id }, to: { id: state.to.id }, asOf });
  const found = data.shortestPaths;
  const list = $('path-result');
  list.replaceChildren();
  cy.elements().removeClass('on-path');
  if (!found.edges.length) {
    status('No path within 6 hops.');
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
  status(`${found.totalCount} shortest path(s) of ${found.edges[0].node.length} hop(s); showing ${found.edges.length}.`);
}

async function search(text) {
  status('Searching …');
  const data = await gql(SEARCH, { text });
  const list = $('results');
  list.replaceChildren();
  for (const { node } of data.searchSubjects.edges) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.id = node.id;
    button.textContent = `${node.name} (${node.uscc || node.idNumberMasked || node.kind})`;
    button.addEventListener('click', () => run(() => explore(node.id, Number($('depth').value), true)));
    li.append(button);
    list.append(li);
  }
  status(data.searchSubjects.edges.length ? 'Pick a subject.' : 'Nothing found.');
  if (data.searchSubjects.edges.length === 1) list.querySelector('button').click();
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
    status('Token kept for this tab. Search for a name, USCC or ID number.');
  });
  $('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(PURPOSE);
    $('token').value = '';
    cy.elements().remove();
    status('Token forgotten.');
  });
  $('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    run(() => search($('search-text').value.trim()));
  });
  cy.on('tap', 'node', (ev) => select(ev.target));
  $('expand').addEventListener('click', () => run(() => explore(state.selected.id, 1, false)));
  $('set-from').addEventListener('click', () => { state.from = state.selected; showEnds(); });
  $('set-to').addEventListener('click', () => { state.to = state.selected; showEnds(); });
  $('find-path').addEventListener('click', () => run(findPath));
  window.creditGraphExplore = { cy }; // for the browser test and the console
}

init();
