{{/* A workload's values: serviceDefaults overlaid with its own block. Call with (list $ $name). */}}
{{- define "eduspry.svc" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $own := index $root.Values.services $name | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy $root.Values.serviceDefaults) (deepCopy $own)) -}}
{{- end -}}

{{- define "eduspry.labels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ index . 1 }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/part-of: eduspry
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version }}
{{- end -}}

{{- define "eduspry.selector" -}}
app.kubernetes.io/name: {{ index . 1 }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
{{- end -}}

{{/* <registry>/<image>:<tag>; the tag comes from the colour when blue-green is on. */}}
{{- define "eduspry.image" -}}
{{- $root := index . 0 -}}
{{- $image := index . 1 -}}
{{- $tag := index . 2 -}}
{{- printf "%s/%s:%s" $root.Values.global.image.registry $image (required "an image tag is required" $tag) -}}
{{- end -}}

{{/* Deployment names: one per workload, or <name>-blue and <name>-green. */}}
{{- define "eduspry.colours" -}}
{{- if .Values.global.blueGreen.enabled -}}
{{- toYaml (list "blue" "green") -}}
{{- else -}}
{{- toYaml (list "") -}}
{{- end -}}
{{- end -}}

{{- define "eduspry.envName" -}}
{{- . | upper | replace "-" "_" -}}
{{- end -}}

{{/* DNS, the external endpoints and istiod: what every workload may reach. */}}
{{- define "eduspry.commonEgress" -}}
{{- $root := . -}}
{{- $np := $root.Values.global.networkPolicy }}
- to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
{{- range $np.externalEgress }}
- to:
    - ipBlock:
        cidr: {{ .cidr }}
  ports:
    {{- range .ports }}
    - { protocol: TCP, port: {{ . }} }
    {{- end }}
{{- end -}}
{{- if $root.Values.global.istio.enabled }}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ $np.istioNamespace }}
  ports:
    - { protocol: TCP, port: 15012 }
{{- end }}
{{- end -}}
