//! The Diagram menu of the top bar: the environment shown, as a picture for documents.
//! SVG and Mermaid are core's text (`kubeprint_core::diagram`); PNG is that SVG drawn
//! by the browser onto a canvas at twice its size, so it stays sharp on a slide.

use crate::state::{use_app, AppState};
use crate::storage;
use kubeprint_core::diagram::{self, Diagram};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How many device pixels a PNG has per unit of the SVG.
const PNG_SCALE: f64 = 2.0;

/// What the menu offers.
#[derive(Clone, Copy)]
enum Picture {
    Svg,
    Png,
    Mermaid,
}

/// The diagram of the environment shown, and the file name stem for it.
fn current(app: AppState) -> Result<(Diagram, String), String> {
    let env = app.env.get_untracked();
    app.editor.with_untracked(|e| {
        let d = diagram::diagram(&e.design, &env).map_err(|e| e.to_string())?;
        Ok((d, format!("{}-{env}", e.design.name)))
    })
}

fn offer(app: AppState, what: Picture) {
    let (d, stem) = match current(app) {
        Ok(x) => x,
        Err(m) => return app.status.set(Some(m)),
    };
    let done = move |result: Result<String, String>| match result {
        Ok(name) => app.downloaded(&name),
        Err(m) => app.status.set(Some(m)),
    };
    match what {
        Picture::Svg => {
            let name = format!("{stem}.svg");
            done(storage::download(&name, "image/svg+xml", &d.svg()).map(|()| name));
        }
        Picture::Mermaid => {
            let name = format!("{stem}.mmd");
            done(storage::download(&name, "text/vnd.mermaid", &d.mermaid()).map(|()| name));
        }
        Picture::Png => {
            let name = format!("{stem}.png");
            leptos::task::spawn_local(async move {
                let result = rasterize(&d.svg(), d.width, d.height)
                    .await
                    .map_err(|what| format!("the PNG could not be made ({what}); the SVG can be"))
                    .and_then(|bytes| storage::download_bytes(&name, "image/png", &bytes))
                    .map(|()| name);
                done(result);
            });
        }
    }
}

/// The PNG of `svg` (`width` x `height` units) at [`PNG_SCALE`], drawn by the browser.
async fn rasterize(svg: &str, width: f64, height: f64) -> Result<Vec<u8>, &'static str> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "blob")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "url")?;
    let img = web_sys::HtmlImageElement::new().map_err(|_| "image")?;
    img.set_src(&url);
    let decoded = JsFuture::from(img.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded.map_err(|_| "decoding the SVG")?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|_| "canvas")?
        .dyn_into()
        .map_err(|_| "canvas")?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (w, h) = (
        (width * PNG_SCALE).ceil() as u32,
        (height * PNG_SCALE).ceil() as u32,
    );
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or("2d context")?
        .dyn_into()
        .map_err(|_| "2d context")?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(
        &img,
        0.0,
        0.0,
        f64::from(w),
        f64::from(h),
    )
    .map_err(|_| "drawing")?;
    // `toBlob` takes a callback: wrap it in a promise.
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = canvas.to_blob_with_type(&resolve, "image/png");
    });
    let png: web_sys::Blob = JsFuture::from(promise)
        .await
        .ok()
        .and_then(|b| b.dyn_into().ok())
        .ok_or("encoding the PNG")?;
    let buffer = JsFuture::from(png.array_buffer())
        .await
        .map_err(|_| "reading the PNG")?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The Diagram menu: SVG, PNG or Mermaid of the environment shown.
#[component]
pub fn DiagramMenu() -> impl IntoView {
    let app = use_app();
    let menu = NodeRef::<leptos::html::Details>::new();
    let pick = move |what: Picture| {
        if let Some(m) = menu.get_untracked() {
            m.set_open(false);
        }
        offer(app, what);
    };
    view! {
        <details class="menu diagram-menu" node_ref=menu>
            <summary data-testid="open-diagram" title="Download the topology of the environment shown, for documents">"Diagram"</summary>
            <div class="menu-items" role="group" aria-label="Diagram formats">
                <p class="note">{move || format!("The {} environment:", app.env.get())}</p>
                <button data-testid="diagram-svg" title="A picture that scales, for web pages and documents" on:click=move |_| pick(Picture::Svg)>"SVG"</button>
                <button data-testid="diagram-png" title="A picture for slides and chat" on:click=move |_| pick(Picture::Png)>"PNG"</button>
                <button data-testid="diagram-mermaid" title="Mermaid text: renders in Markdown on GitHub, GitLab and many wikis" on:click=move |_| pick(Picture::Mermaid)>"Mermaid"</button>
            </div>
        </details>
    }
}
