package console

import (
	"net/http"
	"strings"
)

// Languages the console speaks; English is the default.
const (
	langEN     = "en"
	langPT     = "pt"
	langCookie = "arca_lang"
)

// pickLang prefers the switch's cookie, then Accept-Language.
func pickLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langEN || c.Value == langPT) {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "pt"):
			return langPT
		case strings.HasPrefix(tag, "en"):
			return langEN
		}
	}
	return langEN
}

// messages holds every string a page shows, by key and language. A key
// missing in Portuguese falls back to English, then to the key itself.
var messages = map[string]map[string]string{
	langEN: {
		"title":            "Arca console",
		"skip":             "Skip to content",
		"signin":           "Sign in",
		"signin.help":      "Paste the API token (operator) or a viewer token.",
		"signin.token":     "Token",
		"signin.bad":       "That token is not valid.",
		"signout":          "Sign out",
		"signed.as":        "Signed in as",
		"overview":         "Overview",
		"audit":            "Audit log",
		"tenants":          "Tenants",
		"tenant":           "Tenant",
		"queue":            "Jobs waiting",
		"dlq":              "Dead letters",
		"schedules":        "Schedules",
		"schedule":         "Schedule",
		"next":             "Next run",
		"newest.tenant":    "Newest tenant backup",
		"age":              "Age",
		"size":             "Size",
		"verification":     "Verification",
		"fresh":            "Freshness",
		"stale":            "stale",
		"ok":               "ok",
		"none":             "none",
		"drill":            "Last drill",
		"drills":           "Drills",
		"rto":              "RTO",
		"backups":          "Backups",
		"backup":           "Backup",
		"kind":             "Kind",
		"state":            "State",
		"committed":        "Committed",
		"verified":         "Verified",
		"requested":        "Requested",
		"finished":         "Finished",
		"parts":            "Parts",
		"error":            "Error",
		"run":              "Run",
		"runs":             "Recent runs",
		"restore":          "Restore",
		"restores":         "Restores",
		"restore.this":     "Restore this tenant",
		"restore.pick":     "Backup",
		"restore.at":       "or the newest backup at or before",
		"restore.mode":     "How",
		"mode.into_schema": "Side by side, into a schema of the live database",
		"mode.target":      "Into a scratch database",
		"mode.replace":     "Replace the live tenant",
		"restore.target":   "Schema or database name",
		"restore.plan":     "Plan",
		"restore.confirm":  "Type the tenant's id to confirm",
		"restore.start":    "Review the plan",
		"restore.go":       "Restore now",
		"restore.progress": "This page refreshes until the restore ends.",
		"restore.viewer":   "Viewers cannot restore; sign in with an operator token.",
		"plan.into_schema": "Restores the tenant's rows into the new schema %s; nothing live is changed.",
		"plan.target":      "Restores the tenant into the scratch database arca_restore_%s; nothing live is changed.",
		"plan.replace":     "Deletes every row of tenant %s in the live database and puts back the backup's rows, in one transaction.",
		"plan.backup":      "From backup %s, committed %s, %s sealed (%s plain) in %d parts, verification: %s.",
		"plan.deletes":     "What will be deleted",
		"plan.nothing":     "Nothing.",
		"confirm.mismatch": "The confirmation does not match the tenant's id.",
		"when":             "When",
		"who":              "Who",
		"action":           "Action",
		"subject":          "Subject",
		"detail":           "Detail",
		"stages":           "Stages",
		"stage":            "Stage",
		"status":           "Status",
		"duration":         "Duration",
		"attempt":          "Attempt",
		"part":             "Part",
		"trace":            "Trace in Jaeger",
		"jobs":             "Jobs",
		"notfound":         "Not found.",
		"forbidden":        "You may not do this.",
		"csrf":             "The form expired or did not come from this console; reload it and try again.",
		"badrequest":       "The request is not valid.",
		"internal":         "Something went wrong; the coordinator's log says what.",
		"lang.switch":      "Português",
		"target":           "Target",
		"mode":             "Mode",
		"result":           "Result",
		"crypto":           "Crypto-erasure",
		"crypto.unknown":   "Not known to the catalog; see `arca keys status`.",
		"theme":            "Light and dark follow your system setting.",
		"nothing.yet":      "Nothing yet.",
		"back.tenant":      "Back to the tenant",
		"audit.restore":    "Every restore and key action, newest first.",
		"removed":          "removed",
	},
	langPT: {
		"title":            "Console do Arca",
		"skip":             "Ir para o conteúdo",
		"signin":           "Entrar",
		"signin.help":      "Cole o token da API (operador) ou um token de leitura.",
		"signin.token":     "Token",
		"signin.bad":       "Esse token não é válido.",
		"signout":          "Sair",
		"signed.as":        "Conectado como",
		"overview":         "Visão geral",
		"audit":            "Registro de auditoria",
		"tenants":          "Clientes",
		"tenant":           "Cliente",
		"queue":            "Tarefas na fila",
		"dlq":              "Mensagens mortas",
		"schedules":        "Agendamentos",
		"schedule":         "Agendamento",
		"next":             "Próxima execução",
		"newest.tenant":    "Backup mais recente",
		"age":              "Idade",
		"size":             "Tamanho",
		"verification":     "Verificação",
		"fresh":            "Atualidade",
		"stale":            "atrasado",
		"ok":               "ok",
		"none":             "nenhum",
		"drill":            "Último teste de restauração",
		"drills":           "Testes de restauração",
		"rto":              "RTO",
		"backups":          "Backups",
		"backup":           "Backup",
		"kind":             "Tipo",
		"state":            "Estado",
		"committed":        "Gravado",
		"verified":         "Verificado",
		"requested":        "Pedido",
		"finished":         "Terminado",
		"parts":            "Partes",
		"error":            "Erro",
		"run":              "Execução",
		"runs":             "Execuções recentes",
		"restore":          "Restaurar",
		"restores":         "Restaurações",
		"restore.this":     "Restaurar este cliente",
		"restore.pick":     "Backup",
		"restore.at":       "ou o backup mais recente até",
		"restore.mode":     "Como",
		"mode.into_schema": "Lado a lado, num schema do banco em produção",
		"mode.target":      "Num banco de dados temporário",
		"mode.replace":     "Substituir o cliente em produção",
		"restore.target":   "Nome do schema ou do banco",
		"restore.plan":     "Plano",
		"restore.confirm":  "Digite o id do cliente para confirmar",
		"restore.start":    "Ver o plano",
		"restore.go":       "Restaurar agora",
		"restore.progress": "Esta página se atualiza até a restauração terminar.",
		"restore.viewer":   "Leitores não podem restaurar; entre com um token de operador.",
		"plan.into_schema": "Restaura as linhas do cliente no novo schema %s; nada em produção é alterado.",
		"plan.target":      "Restaura o cliente no banco temporário arca_restore_%s; nada em produção é alterado.",
		"plan.replace":     "Apaga todas as linhas do cliente %s no banco em produção e recoloca as do backup, numa só transação.",
		"plan.backup":      "Do backup %s, gravado em %s, %s cifrados (%s em claro) em %d partes, verificação: %s.",
		"plan.deletes":     "O que será apagado",
		"plan.nothing":     "Nada.",
		"confirm.mismatch": "A confirmação não corresponde ao id do cliente.",
		"when":             "Quando",
		"who":              "Quem",
		"action":           "Ação",
		"subject":          "Objeto",
		"detail":           "Detalhe",
		"stages":           "Etapas",
		"stage":            "Etapa",
		"status":           "Situação",
		"duration":         "Duração",
		"attempt":          "Tentativa",
		"part":             "Parte",
		"trace":            "Rastro no Jaeger",
		"jobs":             "Tarefas",
		"notfound":         "Não encontrado.",
		"forbidden":        "Você não tem permissão para isto.",
		"csrf":             "O formulário expirou ou não veio deste console; recarregue e tente de novo.",
		"badrequest":       "O pedido não é válido.",
		"internal":         "Algo deu errado; o log do coordenador diz o quê.",
		"lang.switch":      "English",
		"target":           "Destino",
		"mode":             "Modo",
		"result":           "Resultado",
		"crypto":           "Apagamento criptográfico",
		"crypto.unknown":   "O catálogo não sabe; veja `arca keys status`.",
		"theme":            "Claro e escuro seguem a configuração do sistema.",
		"nothing.yet":      "Nada ainda.",
		"back.tenant":      "Voltar ao cliente",
		"audit.restore":    "Toda restauração e ação sobre chaves, das mais recentes.",
		"removed":          "removido",
	},
}

func translate(lang, key string) string {
	if s, ok := messages[lang][key]; ok {
		return s
	}
	if s, ok := messages[langEN][key]; ok {
		return s
	}
	return key
}
