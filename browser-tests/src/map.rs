//! Reads the rendered network map (`/network`) in the browser and says what cannot be read:
//! overlapping labels, a label on a box, an arrow through a box it does not connect, text
//! out of its box or out of the drawing, a page wider than the window; on a phone (the map
//! hidden, the paths as cards), a card wider than the window or without its state.

use fantoccini::Client;
use serde::Deserialize;

/// A box in SVG units: x, y, width, height (`getBBox`).
type BBox = [f64; 4];

#[derive(Deserialize, Debug)]
struct MapNode {
    name: String,
    rect: BBox,
    texts: Vec<BBox>,
}

#[derive(Deserialize, Debug)]
struct MapEdge {
    id: String,
    from: String,
    to: String,
    label: BBox,
    line: [f64; 4],
}

#[derive(Deserialize, Debug)]
struct Card {
    edge: String,
    right: f64,
    state: String,
}

#[derive(Deserialize, Debug)]
struct Rendered {
    hidden: bool,
    view_box: BBox,
    nodes: Vec<MapNode>,
    edges: Vec<MapEdge>,
    zone_labels: Vec<BBox>,
    cards: Vec<Card>,
    scroll_width: f64,
    inner_width: f64,
}

const READ: &str = r#"
const bb = e => { const b = e.getBBox(); return [b.x, b.y, b.width, b.height]; };
const svg = document.querySelector('svg.network-map');
const hidden = !svg || getComputedStyle(svg).display === 'none';
const out = { hidden, view_box: [0, 0, 0, 0], nodes: [], edges: [], zone_labels: [], cards: [],
  scroll_width: document.documentElement.scrollWidth, inner_width: window.innerWidth };
out.cards = [...document.querySelectorAll('table.edges tr[data-edge]')].map(tr => ({
  edge: tr.dataset.edge, right: tr.getBoundingClientRect().right,
  state: (tr.querySelector('.state') || {}).innerText || '' }));
if (!hidden) {
  const v = svg.viewBox.baseVal; out.view_box = [v.x, v.y, v.width, v.height];
  out.nodes = [...svg.querySelectorAll('g.node')].map(g => ({ name: g.dataset.node,
    rect: bb(g.querySelector('rect')), texts: [...g.querySelectorAll('text')].map(bb) }));
  out.edges = [...svg.querySelectorAll('g.edge')].map(g => { const l = g.querySelector('line');
    return { id: g.dataset.edge, from: g.dataset.from, to: g.dataset.to,
      label: bb(g.querySelector('text')),
      line: ['x1', 'y1', 'x2', 'y2'].map(a => l[a].baseVal.value) }; });
  out.zone_labels = [...svg.querySelectorAll('.zone-label')].map(bb);
}
return out;
"#;

fn overlap(a: &BBox, b: &BBox) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}

fn inside(a: &BBox, outer: &BBox) -> bool {
    a[0] >= outer[0] - 1.0
        && a[1] >= outer[1] - 1.0
        && a[0] + a[2] <= outer[0] + outer[2] + 1.0
        && a[1] + a[3] <= outer[1] + outer[3] + 1.0
}

/// Whether the segment crosses the box (sampled every unit along the segment: the map's
/// segments are short and straight).
fn crosses(line: &[f64; 4], b: &BBox) -> bool {
    let [x1, y1, x2, y2] = *line;
    let steps = ((x2 - x1).abs().max((y2 - y1).abs())).ceil().max(1.0) as usize;
    (0..=steps).any(|i| {
        let t = i as f64 / steps as f64;
        let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
        x > b[0] && x < b[0] + b[2] && y > b[1] && y < b[1] + b[3]
    })
}

/// What cannot be read on the map as rendered now (empty: all readable). Panics when the
/// page cannot be read at all.
pub async fn unreadable(client: &Client) -> Vec<String> {
    let value = client.execute(READ, vec![]).await.expect("read the map");
    let r: Rendered = serde_json::from_value(value).expect("the map's shape");
    problems(&r)
}

fn problems(r: &Rendered) -> Vec<String> {
    let mut p = Vec::new();
    if r.scroll_width > r.inner_width + 1.0 {
        p.push(format!(
            "the page is {} px wide in a {} px window",
            r.scroll_width, r.inner_width
        ));
    }
    if r.cards.is_empty() {
        p.push("no path listed".into());
    }
    if r.hidden {
        for c in &r.cards {
            if c.right > r.inner_width + 1.0 {
                p.push(format!("card {} ends at {} px", c.edge, c.right));
            }
            if c.state.trim().is_empty() {
                p.push(format!("card {} shows no state", c.edge));
            }
        }
        return p;
    }
    if r.nodes.is_empty() || r.edges.is_empty() {
        p.push("the map is drawn without boxes or paths".into());
    }
    for n in &r.nodes {
        for t in &n.texts {
            if !inside(t, &n.rect) {
                p.push(format!(
                    "a text of {} leaves its box: {t:?} of {:?}",
                    n.name, n.rect
                ));
            }
        }
    }
    let labels: Vec<(String, BBox)> = r
        .edges
        .iter()
        .map(|e| (format!("label of {}", e.id), e.label))
        .chain(
            r.zone_labels
                .iter()
                .map(|z| ("a zone's name".to_owned(), *z)),
        )
        .collect();
    for (i, (what, b)) in labels.iter().enumerate() {
        if !inside(b, &r.view_box) {
            p.push(format!("{what} leaves the drawing: {b:?}"));
        }
        for (other, c) in &labels[i + 1..] {
            if overlap(b, c) {
                p.push(format!("{what} overlaps {other}"));
            }
        }
        for n in &r.nodes {
            if overlap(b, &n.rect) {
                p.push(format!("{what} overlaps the box of {}", n.name));
            }
        }
    }
    for e in &r.edges {
        for n in r
            .nodes
            .iter()
            .filter(|n| n.name != e.from && n.name != e.to)
        {
            if crosses(&e.line, &n.rect) {
                p.push(format!(
                    "the arrow of {} crosses the box of {}",
                    e.id, n.name
                ));
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, x: f64) -> MapNode {
        MapNode {
            name: name.into(),
            rect: [x, 70.0, 120.0, 46.0],
            texts: vec![[x + 10.0, 80.0, 60.0, 14.0]],
        }
    }

    fn rendered(edges: Vec<MapEdge>) -> Rendered {
        Rendered {
            hidden: false,
            view_box: [0.0, 0.0, 900.0, 500.0],
            nodes: vec![node("a", 10.0), node("b", 200.0), node("c", 400.0)],
            edges,
            zone_labels: vec![[20.0, 20.0, 200.0, 16.0]],
            cards: vec![Card {
                edge: "a-c".into(),
                right: 300.0,
                state: "ok".into(),
            }],
            scroll_width: 320.0,
            inner_width: 320.0,
        }
    }

    fn edge(id: &str, from: &str, to: &str, label: BBox, line: [f64; 4]) -> MapEdge {
        MapEdge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            label,
            line,
        }
    }

    #[test]
    fn a_readable_map_has_no_problem_and_each_fault_is_named() {
        let good = rendered(vec![
            edge(
                "a-c",
                "a",
                "c",
                [80.0, 140.0, 200.0, 12.0],
                [70.0, 160.0, 460.0, 160.0],
            ),
            edge(
                "a-b",
                "a",
                "b",
                [80.0, 176.0, 200.0, 12.0],
                [70.0, 196.0, 260.0, 196.0],
            ),
        ]);
        assert!(problems(&good).is_empty(), "{:?}", problems(&good));
        // through a box, labels on each other, a label on a box, out of the drawing
        let bad = rendered(vec![
            edge(
                "a-c",
                "a",
                "c",
                [80.0, 140.0, 200.0, 12.0],
                [70.0, 90.0, 460.0, 90.0],
            ),
            edge(
                "a-b",
                "a",
                "b",
                [90.0, 145.0, 200.0, 12.0],
                [70.0, 196.0, 260.0, 196.0],
            ),
            edge(
                "b-c",
                "b",
                "c",
                [210.0, 80.0, 40.0, 12.0],
                [260.0, 230.0, 460.0, 230.0],
            ),
            edge(
                "c-a",
                "c",
                "a",
                [850.0, 300.0, 100.0, 12.0],
                [460.0, 300.0, 70.0, 300.0],
            ),
        ]);
        let found = problems(&bad).join("\n");
        for want in [
            "the arrow of a-c crosses the box of b",
            "label of a-c overlaps label of a-b",
            "label of b-c overlaps the box of b",
            "label of c-a leaves the drawing",
        ] {
            assert!(found.contains(want), "{want} not in:\n{found}");
        }
        let mut phone = rendered(vec![]);
        phone.hidden = true;
        phone.cards[0].right = 330.0;
        phone.cards[0].state = String::new();
        phone.scroll_width = 400.0;
        let found = problems(&phone).join("\n");
        assert!(found.contains("card a-c ends at 330"), "{found}");
        assert!(found.contains("card a-c shows no state"), "{found}");
        assert!(found.contains("400 px wide"), "{found}");
    }
}
