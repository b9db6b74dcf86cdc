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
    {{- if .component }}
    {{- include "osk-lab.selector" . | nindent 4 }}
    {{- end }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* The one image of a chart's pods; pods never run in the lab (kwok), so the registry does not resolve. */}}
{{- define "osk-lab.image" -}}
registry.invalid/osk-lab/{{ .Chart.Name }}:lab
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

{{/* `pod.replicas.<key>` as an integer, 1 when unset. dict: ctx, key */}}
{{- define "osk-lab.replicas" -}}
{{- $pod := .ctx.Values.pod | default dict -}}
{{- $r := dig "replicas" .key 1 $pod -}}
{{- $r | int -}}
{{- end }}

{{/* A Service/container port name: a DNS label (catalog names such as novnc_proxy carry underscores). */}}
{{- define "osk-lab.portName" -}}
{{- . | default "http" | replace "_" "-" | lower | trunc 15 | trimSuffix "-" -}}
{{- end }}
