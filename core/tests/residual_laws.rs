//! Laws of kept details (`Residual`): replaying what was kept onto the rendering it was
//! kept against gives the input back; on a rendering the design has changed since, every
//! changed place keeps the design's value.

use kubeprint_core::residual::Residual;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// JSON shaped like Kubernetes objects: nested maps, lists of named items (which the
/// residual matches by key), lists of scalars, and scalars including `null`.
fn object() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0u16..100).prop_map(Value::from),
        "[a-c]{0,2}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::btree_map("[a-e]", inner.clone(), 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            // A list of named items, names unique.
            prop::collection::btree_map("[p-s]", inner, 0..4).prop_map(|m| {
                Value::Array(
                    m.into_iter()
                        .map(|(name, v)| json!({"name": name, "v": v}))
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn replaying_onto_the_rendering_at_import_gives_the_input(
        rendered in object(), input in object()
    ) {
        let kept = Residual::between(&rendered, &input);
        let mut out = rendered.clone();
        kept.apply(&mut out);
        prop_assert_eq!(&out, &input);
        // And it survives its own serialization (links and files), nulls included.
        let back: Residual = serde_json::from_str(&serde_json::to_string(&kept).unwrap()).unwrap();
        prop_assert_eq!(back, kept);
    }

    #[test]
    fn a_place_the_design_changed_keeps_the_designs_value(
        rendered in prop::collection::btree_map("[a-e]", object(), 1..5),
        input in prop::collection::btree_map("[a-e]", object(), 1..5),
        edited in "[a-e]",
        value in "[x-z]{3}",
    ) {
        let rendered = Value::Object(rendered.into_iter().collect());
        let input = Value::Object(input.into_iter().collect());
        let kept = Residual::between(&rendered, &input);
        // The design now renders a value at `edited` that it did not render at import.
        let mut today = rendered.clone();
        today[&edited] = Value::from(value.clone());
        kept.apply(&mut today);
        prop_assert_eq!(&today[&edited], &Value::from(value));
    }
}
