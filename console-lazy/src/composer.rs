//! The reply box: text, Enter to send, a paperclip for a file (through the two-step
//! file flow), and "is typing" for the visitor while the agent writes.

use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::canned::{fill, CannedResponse, Fill};
use shared_types::chats::ChatDetail;
use shared_types::error::ErrorCode;
use shared_types::files::{check_upload, FileObject, ALLOWED_CONTENT_TYPES};
use shared_types::ids::ChatId;
use shared_types::realtime::ClientFrame;

use crate::api::{self, Failure};
use crate::chat_view::{now_ms, ChatWords, Throttle, TYPING_EVERY_MS};
use crate::i18n::{Lang, Words};
use crate::socket::Socket;

/// What the reply area says about a file.
#[derive(Clone, Debug, PartialEq)]
enum FileNote {
    Sending,
    Refused(&'static str),
    Failed(String),
}

/// Why the console refuses a file before any request: the same policy the server
/// applies, so a file it would refuse is never uploaded.
fn refusal(content_type: &str, size: u64, cw: &ChatWords) -> Option<&'static str> {
    match check_upload(content_type, size) {
        Ok(()) => None,
        Err(ErrorCode::FileTooLarge) => Some(cw.too_large),
        Err(_) => Some(cw.wrong_type),
    }
}

/// `image` for pictures (shown inline on both sides), `file` otherwise.
fn attachment_kind(content_type: &str) -> &'static str {
    if content_type.starts_with("image/") {
        "image"
    } else {
        "file"
    }
}

#[component]
pub fn Composer(
    chat_id: String,
    room: StoredValue<Option<Socket>, LocalStorage>,
    w: &'static Words,
    cw: &'static ChatWords,
    lang: Lang,
    error: RwSignal<Option<String>>,
    canned: RwSignal<Vec<CannedResponse>>,
    detail: RwSignal<Option<ChatDetail>>,
    me_name: String,
    notes: RwSignal<Vec<shared_types::notes::ChatNote>>,
) -> impl IntoView {
    // Whether what is written is an internal note for the team, not a reply.
    let internal = RwSignal::new(false);
    let input = NodeRef::<Textarea>::new();
    // What is typed, for the canned replies' menu; which of its entries is chosen; and
    // whether Escape closed it until the next key.
    let draft = RwSignal::new(String::new());
    let chosen = RwSignal::new(0usize);
    let dismissed = RwSignal::new(false);
    let me_name = StoredValue::new(me_name);
    let offered = move || {
        if dismissed.get() {
            return Vec::new();
        }
        canned.with(|all| {
            crate::canned::matching(all, &draft.get())
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    // The chosen reply, filled, in place of the draft: the next Enter sends it.
    let pick = move |c: &CannedResponse| {
        let (name, email) = detail.with_untracked(|d| {
            d.as_ref().map_or((String::new(), String::new()), |d| {
                (
                    d.visitor.name.clone().unwrap_or_default(),
                    d.visitor.email.clone().unwrap_or_default(),
                )
            })
        });
        let agent = me_name.get_value();
        let text = fill(
            c.text.as_str(),
            &Fill {
                visitor_name: &name,
                visitor_email: &email,
                agent_name: &agent,
            },
        );
        if let Some(el) = input.get_untracked() {
            el.set_value(&text);
            let _ = el.focus();
        }
        draft.set(text);
        chosen.set(0);
    };
    let picker = NodeRef::<Input>::new();
    let note = RwSignal::new(None::<FileNote>);
    let typing = StoredValue::new(Throttle::default());
    let chat = StoredValue::new(chat_id);

    let typing_frame = move |is_typing: bool| {
        if let Ok(chat_id) = ChatId::parse(&chat.get_value()) {
            room.with_value(|r| {
                if let Some(r) = r {
                    r.send(&ClientFrame::Typing { chat_id, is_typing });
                }
            });
        }
    };
    let on_input = move |_| {
        let text_now = input.get_untracked().map(|e| e.value()).unwrap_or_default();
        draft.set(text_now.clone());
        dismissed.set(false);
        chosen.set(0);
        if text_now.trim().is_empty() {
            return;
        }
        let go = typing
            .try_update_value(|t| t.ready(now_ms(), TYPING_EVERY_MS))
            .unwrap_or(false);
        if go {
            typing_frame(true);
        }
    };
    // After a send the visitor's dots stop at once, and the next key starts them again.
    let sent = move || {
        typing.update_value(Throttle::reset);
        typing_frame(false);
    };

    let send = move || {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let text = el.value();
        if text.trim().is_empty() {
            return;
        }
        if internal.get_untracked() {
            let path = format!("/v1/chats/{}/notes", api::encode(&chat.get_value()));
            spawn_local(async move {
                let body = json!({"text": text.trim()});
                match api::call::<shared_types::notes::ChatNote>("POST", &path, Some(&body)).await {
                    Ok(note) => {
                        el.set_value("");
                        draft.set(String::new());
                        error.set(None);
                        // The feed may have brought it first.
                        notes.update(|all| {
                            if all.iter().all(|n| n.id != note.id) {
                                all.push(note);
                            }
                        });
                    }
                    Err(f) => error.set(Some(f.text(lang, w))),
                }
            });
            return;
        }
        let path = format!("/v1/chats/{}/messages", api::encode(&chat.get_value()));
        spawn_local(async move {
            let body = json!({"text": text.trim()});
            match api::call::<serde_json::Value>("POST", &path, Some(&body)).await {
                // The message itself arrives on the sockets, with its seq.
                Ok(_) => {
                    el.set_value("");
                    draft.set(String::new());
                    error.set(None);
                    sent();
                }
                Err(f) => error.set(Some(f.text(lang, w))),
            }
        });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let menu = offered();
        if !menu.is_empty() && !ev.is_composing() {
            let last = menu.len() - 1;
            match ev.key().as_str() {
                "ArrowDown" => {
                    ev.prevent_default();
                    chosen.update(|i| *i = (*i + 1).min(last));
                    return;
                }
                "ArrowUp" => {
                    ev.prevent_default();
                    chosen.update(|i| *i = i.saturating_sub(1));
                    return;
                }
                "Enter" | "Tab" if !ev.shift_key() => {
                    ev.prevent_default();
                    pick(&menu[chosen.get_untracked().min(last)]);
                    return;
                }
                "Escape" => {
                    dismissed.set(true);
                    return;
                }
                _ => {}
            }
        }
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };

    let on_file = move |_| {
        let Some(picker_el) = picker.get_untracked() else {
            return;
        };
        let Some(file) = picker_el.files().and_then(|f| f.get(0)) else {
            return;
        };
        // The same file may be picked again after a refusal or a failure.
        picker_el.set_value("");
        if let Some(why) = refusal(&file.type_(), file.size() as u64, cw) {
            note.set(Some(FileNote::Refused(why)));
            return;
        }
        let text = input.get_untracked().map(|e| e.value()).unwrap_or_default();
        note.set(Some(FileNote::Sending));
        let chat_id = chat.get_value();
        spawn_local(async move {
            match send_file(&chat_id, &file, text.trim()).await {
                Ok(()) => {
                    note.set(None);
                    if let Some(el) = input.get_untracked() {
                        el.set_value("");
                    }
                    sent();
                }
                Err(f) => {
                    // The server's policy may be newer than this page's: its refusal
                    // in our words.
                    let why = match f.code.as_deref().and_then(ErrorCode::from_code) {
                        Some(ErrorCode::FileTooLarge) => cw.too_large.to_string(),
                        Some(ErrorCode::FileTypeNotAllowed) => cw.wrong_type.to_string(),
                        Some(_) => format!("{}: {}", cw.upload_failed, f.text(lang, w)),
                        None => cw.upload_failed.to_string(),
                    };
                    note.set(Some(FileNote::Failed(why)));
                }
            }
        });
    };

    let accept = ALLOWED_CONTENT_TYPES.join(",");
    view! {
        <div class="composer">
            <p class="file-note" data-testid="upload-status" role="status"
                class:refused=move || matches!(note.get(), Some(FileNote::Refused(_) | FileNote::Failed(_)))>
                {move || note.get().map(|n| match n {
                    FileNote::Sending => cw.uploading.to_string(),
                    FileNote::Refused(why) => why.to_string(),
                    FileNote::Failed(why) => why,
                })}
            </p>
            <Show when=move || !offered().is_empty()>
                <ul class="canned-menu" role="listbox" data-testid="canned-menu">
                    {move || offered().into_iter().enumerate().map(|(i, c)| {
                        let picked = c.clone();
                        view! {
                            <li role="option" data-testid="canned-option"
                                data-shortcut=c.shortcut.as_str().to_string()
                                aria-selected=move || (chosen.get() == i).to_string()
                                on:mousedown=move |ev| { ev.prevent_default(); pick(&picked); }>
                                <code>{format!("/{}", c.shortcut.as_str())}</code> " " {c.title.as_str().to_string()}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <div class="compose-row">
                // The file input is the browser's own picker, kept out of sight and out of
                // the tab order; the paperclip button is what keyboards and eyes reach.
                <input node_ref=picker type="file" class="visually-hidden" tabindex="-1"
                    aria-hidden="true" accept=accept data-testid="attach-input" on:change=on_file />
                <button type="button" class="attach" data-testid="attach-file"
                    aria-label=cw.attach title=cw.attach
                    disabled=move || note.get() == Some(FileNote::Sending)
                    on:click=move |_| { if let Some(p) = picker.get_untracked() { p.click(); } }>
                    {crate::icons::icon(crate::icons::Icon::Paperclip)}
                </button>
                <textarea node_ref=input rows="2" data-testid="reply-input" aria-label=w.reply
                    placeholder=w.reply on:keydown=on_key on:input=on_input></textarea>
                <label class="internal">
                    <input type="checkbox" data-testid="note-toggle"
                        prop:checked=move || internal.get()
                        on:change=move |ev| internal.set(event_target_checked(&ev)) />
                    {cw.internal}
                </label>
                <button type="button" data-testid="reply-send" on:click=move |_| send()>{crate::icons::icon(crate::icons::Icon::Send)} " " {w.send}</button>
            </div>
        </div>
    }
}

/// The file flow of `POST /v1/files/upload-url`, a PUT of the bytes to the signed URL,
/// `POST /v1/files/confirm`, then the message carrying the file: `text`, or the
/// file's name when the reply box is empty.
async fn send_file(chat_id: &str, file: &web_sys::File, text: &str) -> Result<(), Failure> {
    let content_type = file.type_();
    let granted = api::upload(file).await?;
    let confirm = json!({"file_id": granted.file_id, "chat_id": chat_id});
    let stored: FileObject = api::call("POST", "/v1/files/confirm", Some(&confirm)).await?;
    let text = if text.is_empty() {
        file.name()
    } else {
        text.to_string()
    };
    let message = json!({
        "text": text,
        "attachments": [{"type": attachment_kind(&content_type), "url": stored.url}],
    });
    let path = format!("/v1/chats/{}/messages", api::encode(chat_id));
    api::call::<serde_json::Value>("POST", &path, Some(&message)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat_view::chat_words;
    use shared_types::files::MAX_UPLOAD_BYTES;

    #[test]
    fn the_console_refuses_what_the_server_would() {
        let cw = chat_words(Lang::En);
        assert_eq!(refusal("image/png", 68, cw), None);
        assert_eq!(refusal("image/png", MAX_UPLOAD_BYTES, cw), None);
        assert_eq!(
            refusal("image/png", MAX_UPLOAD_BYTES + 1, cw),
            Some(cw.too_large)
        );
        assert_eq!(refusal("text/html", 10, cw), Some(cw.wrong_type));
        assert_eq!(refusal("image/svg+xml", 10, cw), Some(cw.wrong_type));
        // A file the browser cannot name a type for is not sent either.
        assert_eq!(refusal("", 10, cw), Some(cw.wrong_type));
    }

    #[test]
    fn pictures_go_as_images_and_the_rest_as_files() {
        assert_eq!(attachment_kind("image/png"), "image");
        assert_eq!(attachment_kind("application/pdf"), "file");
    }
}
