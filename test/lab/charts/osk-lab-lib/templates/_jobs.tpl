{{/*
osk-lab-lib: setup Jobs, run as Helm hooks after install and upgrade in weight order, like the charts they stand
in for. A job entry is a name suffix (the Job is `<chart>-<suffix>`) with its weight from the table below, or a
dict { name, weight } for anything else.
*/}}
{{- define "osk-lab.hookWeights" -}}
db-init: -5
db-sync: -4
ks-service: -3
ks-endpoints: -2
ks-user: -1
cluster-wait: 0
bootstrap: 5
{{- end }}

{{/* One hook Job. dict: ctx, job (string or dict) */}}
{{- define "osk-lab.hookJob" -}}
{{- $weights := include "osk-lab.hookWeights" . | fromYaml -}}
{{- $name := "" -}}{{- $weight := 0 -}}
{{- if kindIs "string" .job -}}
{{- $name = printf "%s-%s" .ctx.Chart.Name .job -}}
{{- if not (hasKey $weights .job) }}{{ fail (printf "osk-lab-lib: no hook weight for job %q" .job) }}{{ end -}}
{{- $weight = get $weights .job -}}
{{- else -}}
{{- $name = .job.name -}}{{- $weight = .job.weight | default 0 -}}
{{- end -}}
{{- $component := trimPrefix (printf "%s-" .ctx.Chart.Name) $name -}}
{{- $w := dict "name" $name "component" $component "labels" "job" "resources" (printf "jobs.%s" ($component | replace "-" "_")) -}}
apiVersion: batch/v1
kind: Job
{{ include "osk-lab.metadata" (dict "ctx" .ctx "name" $name "component" $w.component "annotations" (dict "helm.sh/hook" "post-install,post-upgrade" "helm.sh/hook-weight" ($weight | int | toString) "helm.sh/hook-delete-policy" "before-hook-creation")) }}
spec:
  backoffLimit: 6
  template:
    {{- include "osk-lab.podTemplate" (dict "ctx" .ctx "w" $w "restartPolicy" "OnFailure") | nindent 4 }}
{{- end }}
