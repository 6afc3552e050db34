// Names that never overlap: after each layout the labels are placed greedily, most
// important first (the subject searched, the selection, a found path, black-listed
// subjects, other subjects, entries, departments, then role dates on edges). A label is
// drawn only where it meets no label drawn before it; the others get the class `quiet`
// (hidden, shown while hovered or selected). Labels scale with the graph, so a placement
// holds at every zoom level and is redone only when the graph changes.

function rank(el) {
  if (el.isNode()) {
    if (el.data('root')) return 0;
    if (el.selected()) return 1;
    if (el.hasClass('on-path')) return 2;
    const kind = el.data('kind');
    if (kind === 'LIST_ENTRY') return 6;
    if (kind === 'DEPARTMENT') return 7;
    return el.data('black') ? 3 : 4;
  }
  return el.hasClass('on-path') ? 5 : 8;
}

function overlaps(a, b) {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

// The label's box in model coordinates, or null when the element has no label.
export function labelBox(el) {
  if (!el.data('label')) return null;
  const box = el.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true,
                               includeOverlays: false, includeUnderlays: false });
  return box.w > 0 && box.h > 0 ? box : null;
}

export function placeLabels(cy) {
  cy.elements().removeClass('quiet');
  const placed = [];
  const quiet = [];
  const order = cy.elements().toArray().map((el) => [rank(el), el]).sort((a, b) => a[0] - b[0]);
  for (const [, el] of order) {
    const box = labelBox(el);
    if (!box) continue;
    if (placed.some((p) => overlaps(p, box))) quiet.push(el);
    else placed.push(box);
  }
  cy.collection(quiet).addClass('quiet');
  return quiet.length;
}
