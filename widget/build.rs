//! Minifies the panel's stylesheet (src/panel.css) into OUT_DIR for `include_str!`:
//! comments dropped, whitespace collapsed. The wasm carries it, so every byte counts.

fn main() {
    println!("cargo:rerun-if-changed=src/panel.css");
    let css = std::fs::read_to_string("src/panel.css").expect("src/panel.css");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("panel.css");
    std::fs::write(out, minify(&css)).expect("write panel.css");
}

fn minify(css: &str) -> String {
    let mut without_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .split_once("*/")
            .map_or("", |(_, after)| after);
    }
    without_comments.push_str(rest);
    let mut out = String::with_capacity(without_comments.len());
    for word in without_comments.split_whitespace() {
        // A space is only needed between two parts of a selector or a value.
        let glued = out.ends_with(['{', '}', ';', ':', ',', '>'])
            || word.starts_with(['{', '}', ';', ',', '>']);
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
