//! Lets the page shell paint before the app starts. Trunk's page preloads the WebAssembly and its
//! JS from the head and starts them at once; on a slow line they share the first second with the
//! style sheet, and the first paint waits for the app's start on a fast one. After each Trunk
//! build this rewrites the page so that, once the HTML is read (the style sheet already asked
//! for), the WebAssembly and the JS are fetched side by side, and the app starts only after the
//! browser has painted the shell (heading, text, links).

use std::path::Path;

/// Removes Trunk's preload links, fetches the app's two files together and starts the app after
/// the first paint.
pub fn defer_app_start(index: &Path) -> Result<(), String> {
    let html = std::fs::read_to_string(index).map_err(|e| format!("{}: {e}", index.display()))?;
    let out = rewrite(&html).ok_or_else(|| format!("{}: Trunk's loader not found as expected", index.display()))?;
    std::fs::write(index, out).map_err(|e| format!("{}: {e}", index.display()))
}

fn rewrite(html: &str) -> Option<String> {
    let mut out = html.to_string();
    for marker in ["<link rel=\"modulepreload\"", "<link rel=\"preload\""] {
        let start = out.find(marker)?;
        let end = start + out[start..].find('>')? + 1;
        out.replace_range(start..end, "");
    }
    // The WebAssembly is fetched at once (not after the JS has arrived, a round trip later) and
    // handed to the loader's `init` as that fetch.
    let wasm_start = out.find("module_or_path: '")? + "module_or_path: ".len();
    let wasm_end = wasm_start + 1 + out[wasm_start + 1..].find('\'')? + 1;
    let wasm = out[wasm_start..wasm_end].to_string();
    out.replace_range(wasm_start..wasm_end, "wasmFetch");
    let import_start = out.find("import init, * as bindings from '")?;
    let import_end = import_start + out[import_start..].find(";\n")? + 2;
    let js = out[import_start..import_end].split('\'').nth(1)?.to_string();
    let deferred = format!(
        "// Both files are fetched at once; the app starts once the shell has painted (xtask/src/loader.rs).\n\
         const wasmFetch = fetch({wasm});\nconst app = import('{js}');\n\
         await new Promise(r => {{ requestAnimationFrame(() => setTimeout(r, 0)); setTimeout(r, 250); }});\n\
         const bindings = await app;\nconst init = bindings.default;\n"
    );
    out.replace_range(import_start..import_end, &deferred);
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn trunk_page_gets_a_deferred_loader() {
        let page = "<head>\n<script type=\"module\">\nimport init, * as bindings from '/frontend-ab.js';\n\
                    const wasm = await init({ module_or_path: '/frontend-ab_bg.wasm' });\nwindow.wasmBindings = bindings;\n</script>\n\
                    <link rel=\"modulepreload\" href=\"/frontend-ab.js\" crossorigin=\"anonymous\"><link rel=\"preload\" href=\"/frontend-ab_bg.wasm\" as=\"fetch\" type=\"application/wasm\"></head>";
        let out = super::rewrite(page).unwrap();
        assert!(!out.contains("preload"), "{out}");
        assert!(out.contains("const wasmFetch = fetch('/frontend-ab_bg.wasm');"), "{out}");
        assert!(out.contains("const app = import('/frontend-ab.js');"), "{out}");
        assert!(out.contains("init({ module_or_path: wasmFetch })"), "{out}");
        // Fetched before the first paint, started after it.
        assert!(out.find("import(").unwrap() < out.find("requestAnimationFrame").unwrap());
        assert!(out.find("requestAnimationFrame").unwrap() < out.find("await app").unwrap());
        assert!(super::rewrite("<html></html>").is_none());
    }
}
