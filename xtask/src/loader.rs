//! Lets the page shell paint before the app is fetched. Trunk's page preloads the WebAssembly and
//! its JS and starts them at once; on a slow line they share the first second with the style
//! sheet, and the first paint waits for them on a fast one. After each Trunk build this rewrites
//! the page so the browser first paints the shell (heading, text, links), then fetches and starts
//! the app — readable as soon as the HTML and CSS are in, the app a round trip later. (Fetching
//! the WebAssembly beside the JS before the first paint was tried: the map came 0.5 s sooner on
//! the throttled profile, but Lighthouse's LCP moved to the app's page, 2.8 s on a zone page and
//! 4.4 s on the application form, so it was not kept.)

use std::path::Path;

/// Removes Trunk's preload links and makes its loader import the app after the first paint.
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
    let import_start = out.find("import init, * as bindings from '")?;
    let import_end = import_start + out[import_start..].find(";\n")? + 2;
    let js = out[import_start..import_end].split('\'').nth(1)?.to_string();
    let deferred = format!(
        "// The shell paints first; then the app is fetched (xtask/src/loader.rs).\n\
         await new Promise(r => {{ requestAnimationFrame(() => setTimeout(r, 0)); setTimeout(r, 250); }});\n\
         const bindings = await import('{js}');\nconst init = bindings.default;\n"
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
        assert!(out.contains("const bindings = await import('/frontend-ab.js');"), "{out}");
        assert!(out.contains("init({ module_or_path: '/frontend-ab_bg.wasm' })"), "{out}");
        assert!(out.find("requestAnimationFrame").unwrap() < out.find("import(").unwrap());
        assert!(super::rewrite("<html></html>").is_none());
    }
}
