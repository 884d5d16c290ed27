//! The widget's markup, built node by node with web-sys and kept current by Leptos's
//! reactive graph (signals, effects, owners).
//!
//! Why not `view!`: every distinct view shape brought its own copy of Leptos's generic
//! rendering code (build, rebuild, mount, unmount for each nested type), and the panel's
//! views were about 46 KB of the wasm's gzip, nearly half of what every visitor
//! downloads. These few functions are not generic over what they build, so the markup
//! costs only the calls that make it.
//!
//! Ownership follows Leptos's: listeners and effects made while a part is built belong
//! to the current reactive owner, and go (listeners freed, effects stopped) when that
//! owner is cleaned up, i.e. when the [`slot`] holding the part shows something else.
//! Nothing here parses HTML: text is inserted as text nodes, and no subtree comes from an
//! `innerHTML` template, which hosts enforcing Trusted Types would refuse.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, Node};

fn doc() -> Document {
    // The loader runs in a page with a document; without one nothing can show anyway.
    web_sys::window().unwrap_throw().document().unwrap_throw()
}

/// `<tag class="…">`, appended to `parent` when there is one.
pub fn el(tag: &str, class: &str, parent: Option<&Node>) -> Element {
    let e = doc().create_element(tag).unwrap_throw();
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if let Some(p) = parent {
        let _ = p.append_child(&e);
    }
    e
}

/// Sets each `(name, value)` attribute of `e`.
pub fn attrs(e: &Element, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        let _ = e.set_attribute(name, value);
    }
}

/// Sets or removes a boolean attribute (`disabled`, `required`, `hidden`).
pub fn flag(e: &Element, name: &str, on: bool) {
    let _ = e.toggle_attribute_with_force(name, on);
}

/// Appends `text` to `parent` as a text node.
pub fn text(parent: &Node, text: &str) {
    let _ = parent.append_child(&doc().create_text_node(text));
}

/// `<tag class=… >text</tag>` in `parent`: the common shape of the widget's lines.
pub fn line(tag: &str, class: &str, text: &str, parent: &Node) -> Element {
    let e = el(tag, class, Some(parent));
    e.set_text_content(Some(text));
    e
}

/// An inline SVG icon (24×24 viewBox, one path), decorative: the control around it is
/// named. Never a font glyph, which a page without an emoji font shows as an empty box.
pub fn icon(class: &str, path: &str, parent: &Node) {
    const SVG: Option<&str> = Some("http://www.w3.org/2000/svg");
    let d = doc();
    let svg = d.create_element_ns(SVG, "svg").unwrap_throw();
    attrs(
        &svg,
        &[
            ("class", class),
            ("viewBox", "0 0 24 24"),
            ("aria-hidden", "true"),
            ("focusable", "false"),
        ],
    );
    let p = d.create_element_ns(SVG, "path").unwrap_throw();
    let _ = p.set_attribute("d", path);
    let _ = svg.append_child(&p);
    let _ = parent.append_child(&svg);
}

/// An empty text node at the end of `parent`, to insert before: where a changing part
/// of `parent` goes.
pub fn anchor(parent: &Node) -> Node {
    let a: Node = doc().create_text_node("").into();
    let _ = parent.append_child(&a);
    a
}

/// Listens for `event` on `target` for as long as the current owner lives.
pub fn on(target: &web_sys::EventTarget, event: &str, handler: impl FnMut(Event) + 'static) {
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    // Freed with the owner, once the nodes it listens on are gone.
    let _ = StoredValue::new_local(closure);
}

/// Runs `f` now and again whenever a signal it read changes, for as long as the current
/// owner lives.
pub fn effect(mut f: impl FnMut() + 'static) {
    let _ = StoredValue::new_local(RenderEffect::new(move |_| f()));
}

/// A place in `parent` (at its end, now) whose content is `build(key)`, rebuilt whenever
/// `key` (which tracks signals) gives another value; `None` shows nothing. Each content
/// is built untracked under an owner of its own, cleaned up when it is replaced.
pub fn slot<K: PartialEq + 'static>(
    parent: &Node,
    mut key: impl FnMut() -> K + 'static,
    build: impl Fn(&K) -> Option<Node> + 'static,
) {
    let anchor = anchor(parent);
    let owner = Owner::current().unwrap_or_default();
    let mut shown: Option<(K, Shown)> = None;
    effect(move || {
        let k = key();
        if shown.as_ref().is_some_and(|(old, _)| *old == k) {
            return;
        }
        let content = owner.child();
        let node = untrack(|| content.with(|| build(&k)));
        let new = Shown::new(content, node);
        new.replace(&anchor, shown.take().map(|(_, old)| old));
        shown = Some((k, new));
    });
}

/// What a [`slot`] shows: its nodes (a fragment's children, which leave the fragment
/// when inserted) and the owner of their listeners and effects.
struct Shown {
    owner: Owner,
    nodes: Vec<Node>,
}

impl Shown {
    fn new(owner: Owner, node: Option<Node>) -> Shown {
        let nodes = match node {
            Some(n) if n.node_type() == Node::DOCUMENT_FRAGMENT_NODE => {
                let list = n.child_nodes();
                (0..list.length()).filter_map(|i| list.get(i)).collect()
            }
            n => n.into_iter().collect(),
        };
        Shown { owner, nodes }
    }

    fn replace(&self, anchor: &Node, old: Option<Shown>) {
        if let Some(old) = old {
            for n in &old.nodes {
                if let Some(p) = n.parent_node() {
                    let _ = p.remove_child(n);
                }
            }
            old.owner.cleanup();
        }
        if let Some(p) = anchor.parent_node() {
            for n in &self.nodes {
                let _ = p.insert_before(n, Some(anchor));
            }
        }
    }
}

/// An empty fragment, for a [`slot`] that shows several siblings.
pub fn fragment() -> Node {
    doc().create_document_fragment().into()
}
