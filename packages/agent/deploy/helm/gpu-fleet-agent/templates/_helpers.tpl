{{/* Object names follow the release name (gpu-fleet-agent in the portal's command). */}}
{{- define "gpu-fleet-agent.name" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gpu-fleet-agent.serviceAccountName" -}}
{{- default (include "gpu-fleet-agent.name" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "gpu-fleet-agent.tokenSecretName" -}}
{{- default (printf "%s-token" (include "gpu-fleet-agent.name" .)) .Values.existingSecret -}}
{{- end -}}

{{- define "gpu-fleet-agent.selectorLabels" -}}
app.kubernetes.io/name: gpu-fleet-agent
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gpu-fleet-agent.labels" -}}
{{ include "gpu-fleet-agent.selectorLabels" . }}
app.kubernetes.io/part-of: gpu-fleet
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Enabled add-on ids, comma-separated and sorted, for the Deployment annotation. */}}
{{- define "gpu-fleet-agent.enabledAddons" -}}
{{- $enabled := list -}}
{{- range $id, $addon := .Values.addons -}}
{{- if $addon.enabled -}}{{- $enabled = append $enabled $id -}}{{- end -}}
{{- end -}}
{{- $enabled | sortAlpha | join "," -}}
{{- end -}}

{{/* The registry host of image.repository, as a container runtime reads it (no host: docker.io). */}}
{{- define "gpu-fleet-agent.imageRegistry" -}}
{{- $parts := splitList "/" .Values.image.repository -}}
{{- $first := first $parts -}}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- $first -}}
{{- else -}}
docker.io
{{- end -}}
{{- end -}}

{{/* The agent's user name as the API server sees it. */}}
{{- define "gpu-fleet-agent.userName" -}}
system:serviceaccount:{{ .Release.Namespace }}:{{ include "gpu-fleet-agent.serviceAccountName" . }}
{{- end -}}

{{/* CEL: the request is in a namespace where the agent's write Role applies (managedNamespaces, or all with rbac.clusterWideWrite). */}}
{{- define "gpu-fleet-agent.writeRoleNamespace" -}}
{{- if .Values.rbac.clusterWideWrite -}}
true
{{- else -}}
request.namespace in {{ .Values.managedNamespaces | toJson }}
{{- end -}}
{{- end -}}

{{/* CEL: the request's "group/resource" is one rbac.namespaceRules grants. */}}
{{- define "gpu-fleet-agent.namespaceRulesCover" -}}
{{- $covered := list -}}
{{- range $rule := .Values.rbac.namespaceRules -}}
{{- range $group := $rule.apiGroups -}}
{{- range $resource := $rule.resources -}}
{{- $covered = append $covered (printf "%s/%s" $group $resource) -}}
{{- end -}}
{{- end -}}
{{- end -}}
(request.resource.group + '/' + request.resource.resource) in {{ $covered | uniq | toJson }}
{{- end -}}
