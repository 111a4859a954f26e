//! Attachments: limited in size and type (the type checked against the bytes), kept sealed
//! under the principal's data key, readable by the principal and the fiduciary only, gone
//! with an erasure.

use super::*;

async fn upload(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let res = client
        .post(url)
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let st = res.status();
    (st, res.json().await.unwrap_or(Value::Null))
}

fn pdf() -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    b.extend_from_slice(
        b"1 0 obj << /Type /Catalog >> endobj\nUNIQUE-MARKER-7f3a9c trailer\n%%EOF\n",
    );
    b
}

#[tokio::test]
async fn files_are_limited_checked_sealed_and_shown_only_to_their_owners() {
    let s = start().await;
    let cat = s.seed().await;
    let (me, _) = principal_in(&s, &cat, "ravi", "en").await;
    let c = grieve(&me, json!({"description": "See the letter attached"})).await;
    let r = c["reference"].as_str().unwrap();
    let url = format!("{}/v1/me/cases/{r}/attachments?name=letter.pdf", me.url);

    let (st, a) = upload(&me.client, &url, &me.token, "application/pdf", pdf()).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["content_type"], "application/pdf");
    assert_eq!(a["size"], pdf().len());
    let id = a["id"].as_str().unwrap();

    // Refusals: too large (413), a refused type or bytes that are not what they claim (415),
    // a bad name (422); none adds anything.
    let big = {
        let mut b = pdf();
        b.resize(2 * 1024 * 1024 + 1, b' ');
        b
    };
    let (st, v) = upload(&me.client, &url, &me.token, "application/pdf", big).await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["code"], "attachment_too_large");
    let (st, v) = upload(
        &me.client,
        &url,
        &me.token,
        "image/gif",
        b"GIF89a....".to_vec(),
    )
    .await;
    assert_eq!(st, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    assert_eq!(v["code"], "attachment_type_refused");
    let (st, v) = upload(
        &me.client,
        &url,
        &me.token,
        "application/pdf",
        b"MZ\x90\x00binary".to_vec(),
    )
    .await;
    assert_eq!(st, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    let bad_name = format!(
        "{}/v1/me/cases/{r}/attachments?name=..%2Fetc%2Fpasswd",
        me.url
    );
    let (st, v) = upload(
        &me.client,
        &bad_name,
        &me.token,
        "text/plain",
        b"hello".to_vec(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(s.case(r).await["attachments"].as_array().unwrap().len(), 1);

    // The principal and the fiduciary read the same bytes back.
    let get = |path: String, token: String| {
        let client = me.client.clone();
        async move {
            let res = client.get(path).bearer_auth(token).send().await.unwrap();
            (res.status(), res.bytes().await.unwrap().to_vec())
        }
    };
    let (st, bytes) = get(
        format!("{}/v1/me/cases/{r}/attachments/{id}", me.url),
        me.token.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(bytes, pdf());
    let (st, bytes) = get(
        format!("{}/v1/cases/{r}/attachments/{id}", me.url),
        s.key.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(bytes, pdf());
    // Another principal: no such file.
    let (other, _) = principal_in(&s, &cat, "asha", "en").await;
    let (st, _) = get(
        format!("{}/v1/me/cases/{r}/attachments/{id}", me.url),
        other.token.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Sealed at rest: the database file does not hold the text of the file or the description.
    let (st, _) = s
        .post(
            &format!("/v1/cases/{r}/transition"),
            json!({"to": "acknowledged"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let dir = s.dir.clone();
    let bytes = tokio::task::spawn_blocking(move || all_store_bytes(&dir))
        .await
        .unwrap();
    for needle in [&b"UNIQUE-MARKER-7f3a9c"[..], b"See the letter attached"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "found in clear in the store"
        );
    }

    // Erased with the principal.
    let (st, v) = s.erase("ravi").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = get(
        format!("{}/v1/cases/{r}/attachments/{id}", me.url),
        s.key.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}
