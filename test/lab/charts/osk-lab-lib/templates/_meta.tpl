{{/*
osk-lab-lib: metadata helpers. Every helper takes the including chart's root context (or a dict holding it as
"ctx"), so .Chart.Name is the stand-in chart's name, never the library's.
*/}}

{{/* Labels on every object the lab charts render: tests list a chart's objects by osk.lab/chart. */}}
{{- define "osk-lab.labels" -}}
app.kubernetes.io/managed-by: Helm
app.kubernetes.io/instance: {{ .Release.Name | quote }}
osk.lab/chart: {{ .Chart.Name | quote }}
{{- end }}

{{/* Pod selector labels, in the openstack-helm style consumers select by. dict: ctx, component. */}}
{{- define "osk-lab.selector" -}}
application: {{ .ctx.Chart.Name | quote }}
component: {{ .component | quote }}
release_group: {{ .ctx.Release.Name | quote }}
{{- end }}

{{/* metadata: block of a namespaced object. dict: ctx, name, [component], [annotations] */}}
{{- define "osk-lab.metadata" -}}
metadata:
  name: {{ .name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "osk-lab.labels" .ctx | nindent 4 }}
    {{- /* The chart's version on the object only: in a pod template it would change a Job's (immutable) template
    on every chart upgrade, as it would a StatefulSet's volume claim templates. */}}
    helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | quote }}
    {{- if .component }}
    {{- include "osk-lab.selector" . | nindent 4 }}
    {{- end }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/*
The image of a workload or Job, from `images.tags` as the real charts take it (pods never run in the lab: kwok,
so only the name matters). dict: ctx, name (object name), component. The first key that exists of: the name and
the component with '-' as '_', the chart's name, `dep_check`; without `images.tags`,
registry.invalid/osk-lab/<chart>:lab.
*/}}
{{- define "osk-lab.image" -}}
{{- $tags := (.ctx.Values.images | default dict).tags | default dict -}}
{{- $image := printf "registry.invalid/osk-lab/%s:lab" .ctx.Chart.Name -}}
{{- range $key := list (.component | replace "-" "_") (.name | replace "-" "_") $.ctx.Chart.Name "dep_check" | reverse -}}
{{- if hasKey $tags $key }}{{ $image = get $tags $key }}{{ end -}}
{{- end -}}
{{ $image }}
{{- end }}

{{/*
One Job naming every image of `images.tags` (a container per key, in key order): it stands in for the Jobs and
pods the real chart renders from the keys the lab spec does not model, so the lab's pods name every image the
chart is given.
*/}}
{{- define "osk-lab.imagesJob" -}}
{{- $tags := (.Values.images | default dict).tags | default dict -}}
{{- if $tags }}
---
apiVersion: batch/v1
kind: Job
{{ include "osk-lab.metadata" (dict "ctx" . "name" (printf "%s-images" .Chart.Name) "component" "images") }}
spec:
  backoffLimit: 6
  template:
    metadata:
      labels:
        {{- include "osk-lab.labels" . | nindent 8 }}
        {{- include "osk-lab.selector" (dict "ctx" . "component" "images") | nindent 8 }}
    spec:
      restartPolicy: OnFailure
      nodeSelector:
        {{- include "osk-lab.nodeSelector" (dict "ctx" . "path" "job") | nindent 8 }}
      containers:
        {{- range $key := keys $tags | sortAlpha }}
        - name: {{ $key | replace "_" "-" | trunc 63 | trimSuffix "-" }}
          image: {{ get $tags $key }}
          command: ["osk-lab-standin"]
        {{- end }}
{{- end }}
{{- end }}

{{/*
nodeSelector entries for `labels.<path>` (dotted, e.g. "agent.compute"): { node_selector_key: node_selector_value }.
dict: ctx, path, [defaultKey] (default openstack-control-plane). The value defaults to "enabled".
*/}}
{{- define "osk-lab.nodeSelector" -}}
{{- $node := .ctx.Values.labels -}}
{{- range $k := splitList "." (.path | default "job") -}}
{{- $node = kindIs "map" $node | ternary (get (kindIs "map" $node | ternary $node dict) $k) nil -}}
{{- end -}}
{{- $node = kindIs "map" $node | ternary $node dict -}}
{{ $node.node_selector_key | default .defaultKey | default "openstack-control-plane" }}: {{ $node.node_selector_value | default "enabled" | toString | quote }}
{{- end }}

{{/* `pod.replicas.<key>` printed as the real charts print `{{ .Values.pod.replicas.<key> }}`: the value as it is,
nothing for an unset, null or empty key (so the manifest says `replicas: null`, as theirs does). A workload with no
replicas key gets 1. dict: ctx, key */}}
{{- define "osk-lab.replicas" -}}
{{- $pod := .ctx.Values.pod | default dict -}}
{{- if not .key -}}1
{{- else -}}
{{- $r := dig "replicas" .key nil $pod -}}
{{- if not (kindIs "invalid" $r) }}{{ $r }}{{ end -}}
{{- end -}}
{{- end }}

{{/* The YAML of `pod.resources.<key>` (dotted), empty unless `pod.resources.enabled` and the key is a map.
dict: ctx, key */}}
{{- define "osk-lab.resources" -}}
{{- $all := dig "resources" dict (.ctx.Values.pod | default dict) -}}
{{- if and .key (kindIs "map" $all) $all.enabled -}}
{{- $node := $all -}}
{{- range $k := splitList "." .key -}}
{{- $node = kindIs "map" $node | ternary (get (kindIs "map" $node | ternary $node dict) $k) nil -}}
{{- end -}}
{{- if kindIs "map" $node }}{{ toYaml $node }}{{ end -}}
{{- end -}}
{{- end }}

{{/* A Service/container port name: a DNS label (catalog names such as novnc_proxy carry underscores). */}}
{{- define "osk-lab.portName" -}}
{{- . | default "http" | replace "_" "-" | lower | trunc 15 | trimSuffix "-" -}}
{{- end }}
