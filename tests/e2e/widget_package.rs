//! The npm package `@chatflow/widget` (dist/npm/widget, made by scripts/build-widget.sh
//! with wasm-pack): published-ready, and its TypeScript declarations of window.ChatFlow
//! type-check a site's code, and refuse code that misuses them.

use std::path::Path;
use std::process::Command;

use crate::client::Ctx;
use crate::harness::{repo_root, TempDir};

crate::tests![the_npm_package_declares_window_chatflow_for_typescript];

/// A site's code that uses every part of the API.
const GOOD: &str = r#"import type { ChatFlowMessage } from "@chatflow/widget";

window.ChatFlow?.identify({
  name: "Ali Valiyev",
  email: "ali@example.com",
  metadata: { plan: "pro", seats: 3 },
  user_id: "u_42",
  user_hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
});
ChatFlow?.on("message", (m: ChatFlowMessage) => console.log(m.sender, m.text.length, m.seq + 1));
ChatFlow?.on("opened", () => ChatFlow?.close());
ChatFlow?.on("ready", () => ChatFlow?.open());
window.addEventListener("chatflow:message", (e) => console.log(e.detail.id));
ChatFlow?.toggle();
"#;

/// Misuses, each of which tsc must report.
const BAD: &str = r#"window.ChatFlow?.identify({ user_id: 42 });
window.ChatFlow?.on("mesage", () => {});
window.ChatFlow?.on("message", (m) => m.txt);
window.ChatFlow?.show();
"#;

const TSCONFIG: &str = r#"{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2020", "module": "es2020",
    "moduleResolution": "bundler", "lib": ["es2020", "dom"], "types": []
  },
  "files": ["sample.ts"]
}"#;

fn tsc(dir: &Path, sample: &str) -> (bool, String) {
    std::fs::write(dir.join("sample.ts"), sample).expect("write sample");
    let out = Command::new(repo_root().join("node_modules/.bin/tsc"))
        .args(["-p", "tsconfig.json"])
        .current_dir(dir)
        .output()
        .expect("run node_modules/.bin/tsc (npm ci installs typescript)");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn the_npm_package_declares_window_chatflow_for_typescript(_: &Ctx) {
    let package = repo_root().join("dist/npm/widget");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(package.join("package.json"))
            .expect("dist/npm/widget/package.json (scripts/build-widget.sh makes it)"),
    )
    .expect("package.json is JSON");
    assert_eq!(manifest["name"], "@chatflow/widget");
    assert_eq!(manifest["types"], "index.d.ts");
    for file in manifest["files"].as_array().into_iter().flatten() {
        let file = file.as_str().unwrap_or_default();
        assert!(package.join(file).is_file(), "{file} is listed but missing");
    }

    let site = TempDir::new("chatflow-tsc");
    let scope = site.path().join("node_modules/@chatflow");
    std::fs::create_dir_all(&scope).expect("node_modules/@chatflow");
    std::os::unix::fs::symlink(&package, scope.join("widget")).expect("link the package");
    std::fs::write(site.path().join("tsconfig.json"), TSCONFIG).expect("tsconfig");

    let (ok, out) = tsc(site.path(), GOOD);
    assert!(ok, "the declarations refuse correct code:\n{out}");
    let (ok, out) = tsc(site.path(), &format!("import \"@chatflow/widget\";\n{BAD}"));
    assert!(!ok, "misuse type-checked");
    for line in 2..=5 {
        assert!(
            out.contains(&format!("sample.ts({line},")),
            "no error on line {line}:\n{out}"
        );
    }
}
