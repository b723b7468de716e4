//! Documents as real servers serve them: the two OpenAPI 3.0 documents a 1.27 API server
//! serves at `/openapi/v3/api/v1` and `/openapi/v3/apis/autoscaling/v2` (in ../shared) give
//! the same types, operations, resources and sensors as the v1.30.1 Swagger 2.0 spec for those
//! group-versions, but for what changed between the two releases, listed here.

use k8s_packgen::ir::{Api, ResourceKey, TypeRef};
use k8s_packgen::{build_api, read_documents};
use k8s_packgen_tests::shared;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn v3(name: &str) -> PathBuf {
    shared().join("specs/kubernetes-v3").join(name)
}

fn ir_of(specs: &[PathBuf]) -> Api {
    build_api(&read_documents(specs).unwrap()).unwrap()
}

/// Definitions core/v1 gained in 1.28, 1.29 and 1.30: in the v1.30.1 spec, not yet served by 1.27.
const NEW_SINCE_1_27: &[&str] = &[
    "io.k8s.api.core.v1.AppArmorProfile",
    "io.k8s.api.core.v1.ClusterTrustBundleProjection",
    "io.k8s.api.core.v1.ContainerResizePolicy",
    "io.k8s.api.core.v1.HostIP",
    "io.k8s.api.core.v1.ModifyVolumeStatus",
    "io.k8s.api.core.v1.NodeRuntimeHandler",
    "io.k8s.api.core.v1.NodeRuntimeHandlerFeatures",
    "io.k8s.api.core.v1.PodResourceClaimStatus",
    "io.k8s.api.core.v1.SleepAction",
    "io.k8s.api.core.v1.VolumeMountStatus",
    "io.k8s.api.core.v1.VolumeResourceRequirements",
];

/// Query parameters 1.28 added (streamed initial state of lists and watches).
const PARAMETERS_NEW_SINCE_1_27: &[&str] = &["sendInitialEvents"];

/// The group-versions an IR serves operations of: ("", "v1"), ("autoscaling", "v2").
fn group_versions(api: &Api) -> BTreeSet<(String, String)> {
    api.operations
        .iter()
        .filter_map(|o| k8s_packgen::vocabulary::api_prefix(&o.path))
        .filter_map(|(g, v)| Some((g.to_string(), v?.to_string())))
        .collect()
}

/// What `api` holds for the group-versions `gvs`: operations under them, their resources and
/// sensors, and every type those operations and resources reach.
struct Part {
    operations: BTreeMap<String, (String, String, Vec<String>, Option<TypeRef>)>,
    resources: BTreeMap<ResourceKey, (String, Vec<String>, String, Option<String>)>,
    sensors: BTreeSet<String>,
    types: BTreeSet<String>,
}

fn part(api: &Api, gvs: &BTreeSet<(String, String)>, newer_params: &[&str]) -> Part {
    let inside = |path: &str| {
        k8s_packgen::vocabulary::api_prefix(path)
            .and_then(|(g, v)| Some((g.to_string(), v?.to_string())))
            .is_some_and(|gv| gvs.contains(&gv))
    };
    let ops: Vec<_> = api.operations.iter().filter(|o| inside(&o.path)).collect();
    let resources: Vec<_> =
        api.resources.iter().filter(|r| gvs.contains(&(r.gvk.group.clone(), r.gvk.version.clone()))).collect();
    let mut todo: Vec<String> = Vec::new();
    for op in &ops {
        let tys = op.params.iter().map(|p| &p.ty).chain(op.body.iter().map(|b| &b.ty));
        let tys = tys.chain(op.responses.iter().filter_map(|(_, t)| t.as_ref()));
        todo.extend(tys.filter_map(TypeRef::definition).map(str::to_string));
    }
    for r in &resources {
        todo.push(r.type_def.clone());
        todo.extend(r.list_def.clone());
    }
    let mut types = BTreeSet::new();
    while let Some(def) = todo.pop() {
        if types.insert(def.clone()) {
            todo.extend(api.types[&def].shape.references().into_iter().map(str::to_string));
        }
    }
    let sensors = api
        .sensors
        .defs
        .iter()
        .filter(|s| gvs.contains(&(s.resource.gvk.group.clone(), s.resource.gvk.version.clone())))
        .map(|s| s.name.clone())
        .collect();
    Part {
        operations: ops
            .iter()
            .map(|o| {
                let params = o
                    .params
                    .iter()
                    .filter(|p| !newer_params.contains(&p.wire.as_str()))
                    .map(|p| format!("{}:{:?}:{}", p.wire, p.ty, p.required))
                    .collect();
                (o.id.clone(), (o.method.clone(), o.path.clone(), params, o.body.as_ref().map(|b| b.ty.clone())))
            })
            .collect(),
        resources: resources
            .iter()
            .map(|r| {
                let key = ResourceKey {
                    group: r.gvk.group.clone(),
                    version: r.gvk.version.clone(),
                    plural: r.plural.clone(),
                };
                let verbs = r.verbs.iter().map(|v| v.as_str().to_string()).collect();
                (key, (r.gvk.kind.clone(), verbs, r.type_def.clone(), r.list_def.clone()))
            })
            .collect(),
        sensors,
        types,
    }
}

#[test]
fn real_v3_documents_match_the_swagger_of_a_near_release() {
    let both = ir_of(&[v3("api__v1_openapi.json"), v3("apis__autoscaling__v2_openapi.json")]);
    let gvs = group_versions(&both);
    assert_eq!(gvs, [("", "v1"), ("autoscaling", "v2")].iter().map(|(g, v)| (g.to_string(), v.to_string())).collect());
    let swagger = ir_of(&[shared().join("specs/kubernetes/v1.30.1.json")]);
    let (new, old) = (part(&both, &gvs, &[]), part(&swagger, &gvs, PARAMETERS_NEW_SINCE_1_27));
    for added in PARAMETERS_NEW_SINCE_1_27 {
        let takes = |api: &Api| api.operations.iter().filter(|o| o.params.iter().any(|p| p.wire == *added)).count();
        assert_eq!((takes(&both), takes(&swagger) > 0), (0, true), "{added} is a real difference");
    }

    assert_eq!(new.operations.len(), 260);
    for (id, shape) in &old.operations {
        assert_eq!(new.operations.get(id), Some(shape), "operation {id}");
    }
    assert_eq!(new.operations.keys().collect::<Vec<_>>(), old.operations.keys().collect::<Vec<_>>());
    assert_eq!(new.resources, old.resources);
    assert_eq!(new.sensors, old.sensors);
    assert_eq!(new.sensors.len(), 16);

    let gained: BTreeSet<&str> = old.types.difference(&new.types).map(String::as_str).collect();
    assert_eq!(gained, NEW_SINCE_1_27.iter().copied().collect::<BTreeSet<_>>());
    assert_eq!(new.types.difference(&old.types).collect::<Vec<_>>(), Vec::<&String>::new());
    // Every body is typed, and create/replace/patch bodies are required as the API server has them.
    for op in
        both.operations.iter().filter(|o| matches!(o.verb.map(|v| v.as_str()), Some("create" | "update" | "patch")))
    {
        if let Some(body) = &op.body {
            assert!(body.required, "{}", op.id);
        }
    }
}

#[test]
fn each_real_v3_document_alone_builds_its_group_version() {
    let core = ir_of(&[v3("api__v1_openapi.json")]);
    let autoscaling = ir_of(&[v3("apis__autoscaling__v2_openapi.json")]);
    let both = ir_of(&[v3("api__v1_openapi.json"), v3("apis__autoscaling__v2_openapi.json")]);
    assert_eq!(core.operations.len() + autoscaling.operations.len(), both.operations.len());
    assert_eq!(core.resources.len() + autoscaling.resources.len(), both.resources.len());
    for api in [&core, &autoscaling] {
        for (name, t) in &api.types {
            assert_eq!(Some(t), both.types.get(name), "{name} is the same alone as merged");
        }
    }
    let quantity = &core.types["io.k8s.apimachinery.pkg.api.resource.Quantity"];
    assert_eq!(quantity.shape, k8s_packgen::ir::Shape::Special(TypeRef::Quantity));
    let int_or_string = &core.types["io.k8s.apimachinery.pkg.util.intstr.IntOrString"];
    assert_eq!(int_or_string.shape, k8s_packgen::ir::Shape::Special(TypeRef::IntOrString));
    // A list that takes `watch` but has no watch operation is not watchable.
    let statuses = core.resources.iter().find(|r| r.plural == "componentstatuses").unwrap();
    assert_eq!(statuses.verbs.iter().map(|v| v.as_str()).collect::<Vec<_>>(), ["get", "list"]);
}

fn project_spec(path: &str) -> PathBuf {
    k8s_packgen_tests::repo_root().join("specs/real-inputs").join(path)
}

fn field<'a>(api: &'a Api, def: &str, wire: &str) -> &'a k8s_packgen::ir::Field {
    match &api.types[def].shape {
        k8s_packgen::ir::Shape::Struct { fields } => fields.iter().find(|f| f.wire == wire).unwrap(),
        other => panic!("{def} is {other:?}"),
    }
}

/// Without `x-kubernetes-*` extensions, resources, their scope and verbs, their kinds'
/// `TypeMeta`, actions and sensors are inferred from the paths; a list that takes `watch` but
/// has no watch path and does not stream is not watchable.
#[test]
fn a_swagger_without_kubernetes_extensions_is_inferred() {
    let api = ir_of(&[project_spec("no-extensions.json")]);
    let vm = api.resources.iter().find(|r| r.plural == "virtualmachines").unwrap();
    assert!(vm.inferred);
    assert_eq!((vm.gvk.api_version(), vm.gvk.kind.as_str()), ("kubevirt.io/v1".to_string(), "VirtualMachine"));
    assert_eq!(vm.scope, k8s_packgen::ir::Scope::Namespaced);
    assert_eq!(
        vm.verbs.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    );
    assert_eq!(vm.type_def, "v1.VirtualMachine");
    assert_eq!(vm.list_def.as_deref(), Some("v1.VirtualMachineList"));
    assert_eq!(vm.subresources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["status"]);
    assert_eq!(api.types["v1.VirtualMachine"].type_meta.as_ref(), Some(&vm.gvk));

    // The kind comes from the `kind` enum where the definition has one.
    let policy = api.resources.iter().find(|r| r.plural == "migrationpolicies").unwrap();
    assert_eq!((policy.gvk.kind.as_str(), policy.scope), ("MigrationPolicy", k8s_packgen::ir::Scope::Cluster));
    assert_eq!(policy.verbs.iter().map(|v| v.as_str()).collect::<Vec<_>>(), ["create", "delete", "get", "list"]);

    let sensors: Vec<String> = api.sensors.defs.iter().map(|s| s.name.clone()).collect();
    assert_eq!(sensors, ["kubevirt.io/v1/virtualmachines"]);
    // Every operation is an action, discovery and the subresource group's included.
    assert_eq!(api.operations.len(), 17);
    let verb = |id: &str| api.operations.iter().find(|o| o.id == id).and_then(|o| o.verb).map(|v| v.as_str());
    assert_eq!(verb("createNamespacedVirtualMachine"), Some("create"));
    assert_eq!(verb("deleteCollectionNamespacedVirtualMachine"), Some("deletecollection"));
    assert_eq!(verb("watchVirtualMachineListForAllNamespaces"), Some("watch"));
    assert_eq!(verb("v1Start"), Some("update"));
    // Discovery is authorized as `get` of a non-resource URL.
    assert_eq!(verb("getAPIGroup-kubevirt.io"), Some("get"));
}

/// Special types by their canonical names whatever the prefix, and `type` arrays.
#[test]
fn type_arrays_and_special_types_under_other_names() {
    let api = ir_of(&[project_spec("no-extensions.json")]);
    let spec = "v1.VirtualMachineSpec";
    let ty = |wire: &str| field(&api, spec, wire).ty.clone();
    assert_eq!(ty("memory"), TypeRef::Quantity);
    assert_eq!(ty("port"), TypeRef::IntOrString);
    assert_eq!(ty("limits"), TypeRef::Map(Box::new(TypeRef::Quantity)));
    assert_eq!(ty("runStrategy"), TypeRef::String);
    assert_eq!(ty("cores"), TypeRef::IntOrString);
    assert_eq!(ty("bandwidth"), TypeRef::Json);
    assert_eq!(ty("weight"), TypeRef::Json);
    assert_eq!(ty("tags"), TypeRef::Vec(Box::new(TypeRef::Nullable(Box::new(TypeRef::String)))));
    let meta = &api.types["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"];
    assert_eq!(meta.path.module, ["apimachinery", "pkg", "apis", "meta", "v1"]);
    assert_eq!(field(&api, "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", "creationTimestamp").ty, TypeRef::Time);
    assert_eq!(api.object_meta(), Some("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
}

/// An aggregated API server's older copy of ObjectMeta: the core document's copy wins in
/// whichever order the documents come, the other only adds the field it has more, and `-v`
/// notes says so.
#[test]
fn shared_schemas_from_an_aggregated_api_merge_into_the_core_copy() {
    let (core, metrics) =
        (project_spec("aggregated/api__v1.json"), project_spec("aggregated/apis__metrics.k8s.io__v1beta1.json"));
    let forward = ir_of(&[core.clone(), metrics.clone()]);
    let backward = ir_of(&[metrics, core]);
    assert_eq!(forward.types, backward.types);
    let meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    for wire in ["generation", "uid", "selfLink", "name"] {
        field(&forward, meta, wire);
    }
    assert_eq!(field(&forward, meta, "generation").doc.as_deref().map(|d| d.starts_with("A sequence")), Some(true));
    assert_eq!(
        backward.notes,
        [format!(
            "definition {meta}: the copy in apis__metrics.k8s.io__v1beta1.json adds selfLink (kept the copy in \
             api__v1.json)"
        )]
    );
    let metrics = forward.resources.iter().find(|r| r.plural == "nodes").unwrap();
    assert_eq!(metrics.gvk.group, "metrics.k8s.io");
    assert_eq!(
        field(&forward, "io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics", "usage").ty,
        TypeRef::Map(Box::new(TypeRef::Quantity))
    );
}
