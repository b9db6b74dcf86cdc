{{/*
osk-lab-lib: workloads. A workload is a dict from a chart's lab spec:
  kind        Deployment (default) | StatefulSet | DaemonSet
  name        object name
  component   pod label `component` (default: name)
  replicas    `pod.replicas.<key>` (Deployment, StatefulSet)
  labels      `labels.<path>` giving the nodeSelector (default "job"), e.g. "agent.compute"
  defaultKey  node label when `labels.<path>` is unset (default openstack-control-plane)
  pdb         `pod.lifecycle.disruption_budget.<key>` guarding this workload
  resources   `pod.resources.<key>` (dotted) of its container, rendered when `pod.resources.enabled`
  priority    `pod.priorityClassName.<key>` of its pods: set only where the real chart's template reads one
  port, portName   the container port, also the port of `services`
  services    [{ name, [port], [portName], [headless] }] Services selecting this workload
  serviceName StatefulSet governing Service
  volumeClaim StatefulSet claim template { name, storageClassName, size }
*/}}

{{/* Pod template. dict: ctx, w (workload), [restartPolicy] */}}
{{- define "osk-lab.podTemplate" -}}
{{- $w := .w -}}
{{- $sel := dict "ctx" .ctx "component" ($w.component | default $w.name) -}}
{{- $mounts := list -}}{{- $volumes := list -}}
{{- with $w.volumeClaim }}{{ $mounts = append $mounts (dict "name" .name "mountPath" "/var/lib/osk-lab") }}{{ end -}}
{{- if include "osk-lab.hasEtc" .ctx -}}
{{- $mounts = append $mounts (dict "name" "etc" "mountPath" "/etc/osk-lab" "readOnly" true) -}}
{{- $volumes = append $volumes (dict "name" "etc" "secret" (dict "secretName" (include "osk-lab.etcName" .ctx))) -}}
{{- end -}}
metadata:
  labels:
    {{- include "osk-lab.labels" .ctx | nindent 4 }}
    {{- include "osk-lab.selector" $sel | nindent 4 }}
spec:
  {{- with $w.priority }}{{ with dig "priorityClassName" . "" ($.ctx.Values.pod | default dict) }}
  priorityClassName: {{ . }}
  {{- end }}{{ end }}
  nodeSelector:
    {{- include "osk-lab.nodeSelector" (dict "ctx" .ctx "path" $w.labels "defaultKey" $w.defaultKey) | nindent 4 }}
  {{- with .restartPolicy }}
  restartPolicy: {{ . }}
  {{- end }}
  {{- /* Like helm-toolkit's dependency-check init container, it has no resources of its own. */}}
  initContainers:
    - name: init
      image: {{ include "osk-lab.image" (dict "ctx" .ctx "name" "dep_check" "component" "dep_check") }}
      command: ["osk-lab-standin"]
  containers:
    - name: {{ $sel.component | replace "_" "-" | trunc 63 | trimSuffix "-" }}
      image: {{ include "osk-lab.image" (dict "ctx" .ctx "name" $w.name "component" $sel.component) }}
      command: ["osk-lab-standin"]
      args: [{{ $w.name | quote }}]
      {{- with include "osk-lab.resources" (dict "ctx" .ctx "key" $w.resources) }}
      resources:
        {{- . | nindent 8 }}
      {{- end }}
      {{- if $w.port }}
      ports:
        - name: {{ include "osk-lab.portName" $w.portName }}
          containerPort: {{ $w.port | int }}
      {{- end }}
      {{- with $mounts }}
      volumeMounts:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  {{- with $volumes }}
  volumes:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* One workload object. dict: ctx, w */}}
{{- define "osk-lab.workload" -}}
{{- $w := .w -}}
{{- $kind := $w.kind | default "Deployment" -}}
{{- $sel := dict "ctx" .ctx "component" ($w.component | default $w.name) -}}
apiVersion: apps/v1
kind: {{ $kind }}
{{ include "osk-lab.metadata" (dict "ctx" .ctx "name" $w.name "component" $sel.component) }}
spec:
  {{- /* As the real charts render `replicas: {{ .Values.pod.replicas.<key> }}`: always, empty when OSK leaves the
  count to an HPA (the release's post-renderer then removes the null). */}}
  {{- if ne $kind "DaemonSet" }}
  replicas: {{ include "osk-lab.replicas" (dict "ctx" .ctx "key" $w.replicas) }}
  {{- end }}
  {{- if eq $kind "StatefulSet" }}
  serviceName: {{ $w.serviceName | default $w.name }}
  podManagementPolicy: Parallel
  {{- end }}
  selector:
    matchLabels:
      {{- include "osk-lab.selector" $sel | nindent 6 }}
  template:
    {{- include "osk-lab.podTemplate" (dict "ctx" .ctx "w" $w) | nindent 4 }}
  {{- with $w.volumeClaim }}
  volumeClaimTemplates:
    - metadata:
        name: {{ .name }}
        labels:
          {{- include "osk-lab.labels" $.ctx | nindent 10 }}
      spec:
        accessModes: ["ReadWriteOnce"]
        storageClassName: {{ .storageClassName | default "general" }}
        resources:
          requests:
            storage: {{ .size | default "1Gi" }}
  {{- end }}
{{- end }}

{{/* A Service selecting a workload. dict: ctx, w, s (the service entry) */}}
{{- define "osk-lab.service" -}}
{{- $w := .w -}}{{- $s := .s -}}
{{- $sel := dict "ctx" .ctx "component" ($w.component | default $w.name) -}}
apiVersion: v1
kind: Service
{{ include "osk-lab.metadata" (dict "ctx" .ctx "name" $s.name) }}
spec:
  {{- if $s.headless }}
  clusterIP: None
  publishNotReadyAddresses: true
  {{- end }}
  selector:
    {{- include "osk-lab.selector" $sel | nindent 4 }}
  ports:
    - name: {{ include "osk-lab.portName" ($s.portName | default $w.portName) }}
      port: {{ $s.port | default $w.port | int }}
      targetPort: {{ $w.port | default $s.port | int }}
      protocol: TCP
{{- end }}

{{/*
PodDisruptionBudgets: one per `pod.lifecycle.disruption_budget.<key>` whose min_available is above 0, named after
and selecting the workload whose `pdb` is that key (a key no workload claims selects `component: <key>`).
dict: ctx, workloads
*/}}
{{- define "osk-lab.pdbs" -}}
{{- $ctx := .ctx -}}{{- $workloads := .workloads | default list -}}
{{- $budgets := dig "lifecycle" "disruption_budget" dict ($ctx.Values.pod | default dict) -}}
{{- range $key, $b := $budgets }}
{{- $min := 0 }}
{{- if kindIs "map" $b }}{{ $min = $b.min_available | default 0 | int }}{{ end }}
{{- if gt $min 0 }}
{{- $target := dict "name" (printf "%s-%s" $ctx.Chart.Name $key) "component" $key }}
{{- range $w := $workloads }}
{{- if eq ($w.pdb | default "") $key }}{{ $target = dict "name" $w.name "component" ($w.component | default $w.name) }}{{ end }}
{{- end }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
{{ include "osk-lab.metadata" (dict "ctx" $ctx "name" $target.name) }}
spec:
  minAvailable: {{ $min }}
  selector:
    matchLabels:
      {{- include "osk-lab.selector" (dict "ctx" $ctx "component" $target.component) | nindent 6 }}
{{- end }}
{{- end }}
{{- end }}
