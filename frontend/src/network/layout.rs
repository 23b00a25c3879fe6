//! Where everything of the map sits, in SVG units: one column per node (its box at the top,
//! a lifeline below it), one row per path (a horizontal arrow from its sender's column to its
//! receiver's, its label just above it). By construction no arrow crosses a box (boxes are
//! above every row), no two labels share a row, and zones are drawn around whole columns;
//! the browser test reads the rendered boxes (`getBBox`) to hold the labels to that.

use super::edges::{Edge, Node, Zone};

/// The width of a column and of a node's box, in SVG units.
pub const COLUMN: f64 = 136.0;
pub const BOX_WIDTH: f64 = 124.0;
pub const BOX_HEIGHT: f64 = 46.0;
/// The top of the boxes.
pub const BOX_TOP: f64 = 76.0;
/// The first row's arrow, and the distance between rows.
const FIRST_ROW: f64 = BOX_TOP + BOX_HEIGHT + 40.0;
pub const ROW: f64 = 36.0;
/// The gap between two zones.
const ZONE_GAP: f64 = 24.0;
const MARGIN: f64 = 14.0;
/// A generous width of one character of an edge label (11 px): the label goes left of its
/// arrow's right end when it would not fit to the right of its left end.
const LABEL_CHAR: f64 = 6.6;

/// A zone drawn around columns: the host, the stack's network, the internet.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneBox {
    pub zone: Zone,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// One path's arrow and where its label starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub y: f64,
    pub x1: f64,
    pub x2: f64,
    /// The label's anchor point and `text-anchor` (`start` or `end`).
    pub label_x: f64,
    pub label_y: f64,
    pub anchor: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Each node and the centre of its column.
    pub columns: Vec<(Node, f64)>,
    pub zones: Vec<ZoneBox>,
    /// One per edge, in the edges' order.
    pub rows: Vec<Row>,
}

impl Layout {
    /// The layout of `nodes` (in column order) and `edges`.
    pub fn new(nodes: &[Node], edges: &[Edge]) -> Layout {
        let mut columns = Vec::new();
        let mut x = MARGIN + 10.0;
        let mut last_zone = None;
        for n in nodes {
            // the host's own nodes right of the network share the host zone; a gap between zones
            if last_zone.is_some_and(|z| z != n.zone()) {
                x += ZONE_GAP;
            }
            columns.push((*n, x + COLUMN / 2.0));
            x += COLUMN;
            last_zone = Some(n.zone());
        }
        let width = x + MARGIN + 10.0;
        let height = FIRST_ROW + ROW * edges.len().saturating_sub(1) as f64 + 30.0;
        let centre = |n: Node| {
            columns
                .iter()
                .find(|(c, _)| *c == n)
                .map(|(_, x)| *x)
                .unwrap_or(0.0)
        };
        let span = |zone: Zone| {
            let xs: Vec<f64> = columns
                .iter()
                .filter(|(n, _)| n.zone() == zone)
                .map(|(_, x)| *x)
                .collect();
            let lo = xs.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            (!xs.is_empty()).then_some((lo - COLUMN / 2.0 + 2.0, hi + COLUMN / 2.0 - 2.0))
        };
        let mut zones = Vec::new();
        // the host: everything but the internet
        let host_right = columns
            .iter()
            .filter(|(n, _)| n.zone() != Zone::Internet)
            .map(|(_, x)| x + COLUMN / 2.0)
            .fold(0.0, f64::max);
        zones.push(ZoneBox {
            zone: Zone::Host,
            x: MARGIN - 6.0,
            y: 8.0,
            width: host_right + 8.0 - (MARGIN - 6.0),
            height: height - 16.0,
        });
        for zone in [Zone::Network, Zone::Internet] {
            if let Some((lo, hi)) = span(zone) {
                zones.push(ZoneBox {
                    zone,
                    x: lo,
                    y: 40.0,
                    width: hi - lo,
                    height: height - 56.0,
                });
            }
        }
        let rows = edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let y = FIRST_ROW + ROW * i as f64;
                let (x1, x2) = (centre(e.from), centre(e.to));
                let (left, right) = (x1.min(x2), x1.max(x2));
                let wide = e.label().chars().count() as f64 * LABEL_CHAR;
                let (label_x, anchor) = if left + 8.0 + wide <= width - MARGIN {
                    (left + 8.0, "start")
                } else {
                    ((right - 8.0).max(wide + MARGIN), "end")
                };
                Row {
                    y,
                    x1,
                    x2,
                    label_x,
                    label_y: y - 8.0,
                    anchor,
                }
            })
            .collect();
        Layout {
            width,
            height,
            columns,
            zones,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::edges::{nodes, EdgeState};
    use super::*;

    fn edge(id: &str, from: Node, to: Node, address: &str) -> Edge {
        Edge {
            id: id.into(),
            from,
            to,
            who: String::new(),
            address: address.into(),
            case: String::new(),
            state: EdgeState::Down("timed out".into()),
            traffic: None,
        }
    }

    /// The largest path set: compose with the SWAPI stand-in, a host database and the
    /// monitoring profile.
    fn everything() -> Vec<Edge> {
        use Node::*;
        vec![
            edge(
                "browser-frontend",
                Browser,
                Frontend,
                "http://localhost:3000",
            ),
            edge("browser-backend", Browser, Backend, "http://localhost:8080"),
            edge(
                "browser-favorites",
                Browser,
                Favorites,
                "http://localhost:3001",
            ),
            edge("frontend-backend", Frontend, Backend, "http://backend"),
            edge(
                "frontend-favorites",
                Frontend,
                Favorites,
                "http://favorites:3000",
            ),
            edge("backend-mongodb", Backend, MongoDb, "mongodb:27017"),
            edge(
                "favorites-mongodb",
                Favorites,
                HostDb,
                "host.docker.internal:27017",
            ),
            edge(
                "favorites-swapi",
                Favorites,
                Internet,
                "https://swapi.dev/api",
            ),
            edge(
                "frontend-prometheus",
                Frontend,
                Prometheus,
                "http://prometheus:9090",
            ),
            edge(
                "grafana-prometheus",
                Grafana,
                Prometheus,
                "http://prometheus:9090",
            ),
            edge("prometheus-backend", Prometheus, Backend, "backend:80"),
            edge("prometheus-swapi", Prometheus, StandIn, "swapi:8000"),
            edge(
                "prometheus-host",
                Prometheus,
                HostApp,
                "host.docker.internal:8089",
            ),
        ]
    }

    #[test]
    fn rows_are_below_every_box_and_labels_stay_in_the_drawing() {
        let e = everything();
        let l = Layout::new(&nodes(&e), &e);
        assert_eq!(l.columns.len(), Node::ALL.len());
        for (edge, row) in e.iter().zip(&l.rows) {
            assert!(row.label_y - 12.0 > BOX_TOP + BOX_HEIGHT, "{}", edge.id);
            let wide = edge.label().chars().count() as f64 * LABEL_CHAR;
            let (lo, hi) = match row.anchor {
                "start" => (row.label_x, row.label_x + wide),
                _ => (row.label_x - wide, row.label_x),
            };
            assert!(
                lo >= 0.0 && hi <= l.width,
                "{}: {lo}..{hi} of {}",
                edge.id,
                l.width
            );
        }
        // columns do not overlap, zones hold their columns
        for w in l.columns.windows(2) {
            assert!(w[1].1 - w[0].1 >= COLUMN, "{:?}", w);
        }
        for (n, x) in &l.columns {
            let z = l.zones.iter().find(|z| z.zone == n.zone()).unwrap();
            assert!(
                z.x <= x - BOX_WIDTH / 2.0 && x + BOX_WIDTH / 2.0 <= z.x + z.width,
                "{n:?}"
            );
        }
    }
}
