package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDoc is the OpenAPI 3.0 document of every route but the web app's files and /ogc
// (which serves its own at /ogc/api). TestOpenAPICoversEveryRoute fails when a registered
// route is missing from it; TestResponsesMatchOpenAPI checks the main answers against it.
// Edit the JSON directly when adding a route.
//
//go:embed openapi.json
var openAPIDoc []byte

// getOpenAPI answers GET /api/openapi.json.
func getOpenAPI(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIDoc)
}
