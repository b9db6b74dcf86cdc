{{/*
osk-lab-lib: configuration. Credentials go only into the `<chart>-etc` Secret (like the real charts' etc
Secrets); the `<chart>-bin` ConfigMap holds nothing taken from `endpoints.*.auth` or `conf`, so a test can check
that no ConfigMap in the cluster carries a password.
*/}}

{{- define "osk-lab.etcName" -}}
{{ .Chart.Name }}-etc
{{- end }}

{{/* Non-empty when the chart has credentials to render: any `endpoints.<block>.auth`, or a `conf` tree. */}}
{{- define "osk-lab.hasEtc" -}}
{{- $has := false -}}
{{- range $block, $ep := .Values.endpoints -}}
{{- if kindIs "map" $ep }}{{ if kindIs "map" (get $ep "auth") }}{{ $has = true }}{{ end }}{{ end -}}
{{- end -}}
{{- if kindIs "map" .Values.conf }}{{ $has = true }}{{ end -}}
{{- if $has }}true{{ end -}}
{{- end }}

{{/*
The rendered service config: one INI section per `endpoints.<block>.auth.<user>` with every scalar of it
(username, password, region...), and scalars directly under `auth` (memcache_secret_key, erlang_cookie) in an
`[<block>]` section.
*/}}
{{- define "osk-lab.etcConf" -}}
# {{ .Chart.Name }}: OSK lab stand-in config, rendered from the credentials under endpoints.*.auth
{{- range $block, $ep := .Values.endpoints }}
{{- if kindIs "map" $ep }}
{{- $auth := get $ep "auth" }}
{{- if kindIs "map" $auth }}
{{- $scalars := dict }}
{{- range $user, $a := $auth }}
{{- if kindIs "map" $a }}

[{{ $block }}:{{ $user }}]
{{- range $k, $v := $a }}
{{- if not (kindIs "map" $v) }}
{{ $k }} = {{ $v }}
{{- end }}
{{- end }}
{{- else }}
{{- $_ := set $scalars $user $a }}
{{- end }}
{{- end }}
{{- if $scalars }}

[{{ $block }}]
{{- range $k, $v := $scalars }}
{{ $k }} = {{ $v }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Secret `<chart>-etc`: the INI above, and the whole `conf` tree (where the charts' other secrets live). */}}
{{- define "osk-lab.etcSecret" -}}
apiVersion: v1
kind: Secret
{{ include "osk-lab.metadata" (dict "ctx" . "name" (include "osk-lab.etcName" .)) }}
type: Opaque
data:
  {{ .Chart.Name }}.conf: {{ printf "%s\n" (include "osk-lab.etcConf" .) | b64enc }}
  conf.yaml: {{ printf "%s\n" (toYaml (.Values.conf | default dict)) | b64enc }}
{{- end }}

{{/* ConfigMap `<chart>-bin`: a no-op script and the public names; nothing secret. */}}
{{- define "osk-lab.binConfigMap" -}}
apiVersion: v1
kind: ConfigMap
{{ include "osk-lab.metadata" (dict "ctx" . "name" (printf "%s-bin" .Chart.Name)) }}
data:
  osk-lab-standin.sh: |
    #!/bin/sh
    # OSK lab stand-in for the {{ .Chart.Name }} chart: pods are simulated by kwok and never run this.
    exit 0
  public-hosts: |
    # endpoint type, public host
    {{- range $type, $ep := .Values.endpoints }}
    {{- if kindIs "map" $ep }}
    {{- $host := dig "host_fqdn_override" "public" "host" "" $ep }}
    {{- if $host }}
    {{ $type }} {{ $host }}
    {{- end }}
    {{- end }}
    {{- end }}
{{- end }}

{{/*
extraObjects: every entry of the map (sorted by key) or list, rendered as given; the release namespace is added
when metadata.namespace is missing, and the lab labels are added without replacing labels the object has.
String entries are rendered with tpl.
*/}}
{{- define "osk-lab.extraObjects" -}}
{{- $ctx := . -}}
{{- range $key, $obj := .Values.extraObjects }}
{{- if kindIs "string" $obj }}
---
{{ tpl $obj $ctx }}
{{- else if kindIs "map" $obj }}
{{- $o := deepCopy $obj }}
{{- $md := get $o "metadata" | default dict }}
{{- if not $md.namespace }}{{ $_ := set $md "namespace" $ctx.Release.Namespace }}{{ end }}
{{- $_ := set $md "labels" (merge (deepCopy ($md.labels | default dict)) (include "osk-lab.labels" $ctx | fromYaml)) }}
{{- $_ := set $o "metadata" $md }}
---
{{ toYaml $o }}
{{- end }}
{{- end }}
{{- end }}
