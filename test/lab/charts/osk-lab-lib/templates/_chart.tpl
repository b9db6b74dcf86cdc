{{/*
osk-lab-lib: a whole stand-in chart from its lab spec. dict: ctx (the chart's root context), spec:
  workloads  [workload] (see _workloads.tpl): each rendered, with its `services`, and the disruption budgets
  jobs       [job] (see _jobs.tpl): post-install/post-upgrade hook Jobs
Always: the `<chart>-etc` Secret when there are credentials, the `<chart>-bin` ConfigMap when there are pods,
`extraObjects`, and the `<chart>-images` Job when the values give `images.tags`.
*/}}
{{- define "osk-lab.chart" -}}
{{- $ctx := .ctx -}}
{{- $workloads := .spec.workloads | default list -}}
{{- $jobs := .spec.jobs | default list -}}
{{- range $w := $workloads }}
---
{{ include "osk-lab.workload" (dict "ctx" $ctx "w" $w) }}
{{- range $s := $w.services | default list }}
---
{{ include "osk-lab.service" (dict "ctx" $ctx "w" $w "s" $s) }}
{{- end }}
{{- end }}
{{- include "osk-lab.pdbs" (dict "ctx" $ctx "workloads" $workloads) }}
{{- range $j := $jobs }}
---
{{ include "osk-lab.hookJob" (dict "ctx" $ctx "job" $j) }}
{{- end }}
{{- if include "osk-lab.hasEtc" $ctx }}
---
{{ include "osk-lab.etcSecret" $ctx }}
{{- end }}
{{- if or $workloads $jobs }}
---
{{ include "osk-lab.binConfigMap" $ctx }}
{{- end }}
{{- include "osk-lab.imagesJob" $ctx }}
{{ include "osk-lab.extraObjects" $ctx }}
{{- end }}
