{{/* One Deployment: (list NAME VALUES), VALUES holding annotations, extraEnv and extraSecretMounts. */}}
{{- define "noxus.deployment" -}}
{{- $name := index . 0 }}{{- $v := index . 1 -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ printf "noxus-%s" $name | quote }}
  {{- with $v.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  selector:
    matchLabels:
      app: {{ printf "noxus-%s" $name | quote }}
  template:
    metadata:
      labels:
        app: {{ printf "noxus-%s" $name | quote }}
    spec:
      containers:
        - name: noxus
          image: "noxus/noxus:test"
          {{- with $v.extraEnv }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.extraSecretMounts }}
          volumeMounts:
            {{- range . }}
            - name: {{ .name | quote }}
              mountPath: {{ .mountPath | quote }}
              {{- with .subPath }}
              subPath: {{ . | quote }}
              {{- end }}
              readOnly: {{ .readOnly }}
            {{- end }}
          {{- end }}
      {{- with $v.extraSecretMounts }}
      volumes:
        {{- range . }}
        - name: {{ .name | quote }}
          secret:
            secretName: {{ .secretName | quote }}
            defaultMode: {{ .defaultMode }}
        {{- end }}
      {{- end }}
{{- end -}}
