/**
 * The README's quick start, one pipeline per CI: written by `npm run gen` so that the places it
 * names come from scripts/published.ts and the actions' majors from scripts/action-majors.ts.
 * test/unit/quick-start.test.ts reads them back out of README.md and checks each against its CI;
 * test/integration/gitlab-quick-start.test.ts runs GitLab's, as written, with gitlab-ci-local.
 */
import { actionRef } from "./action-majors";
import { PIPE } from "./bitbucket-docs";
import { MAJOR, PUBLISHED, VERSION } from "./published";

export type QuickStartCi = "github" | "gitlab" | "bitbucket" | "forgejo";
export const QUICK_START_CIS: readonly QuickStartCi[] = ["github", "gitlab", "bitbucket", "forgejo"];

/** The application's id in Dokploy: the last part of its URL there. */
const APPLICATION_ID = "UuH3SNuDvHGux046xpNIw";

/** Where the image goes: GitHub's registry on GitHub, the forge's own on Forgejo and Gitea. */
const GITHUB_REGISTRY = [
  "          image: ghcr.io/${{ github.repository }}",
  "          registry-username: ${{ github.actor }}",
  "          registry-password: ${{ secrets.GITHUB_TOKEN }}",
  "          # Dokploy keeps this one to pull later: a token that lasts, with read:packages.",
  "          pull-username: ${{ github.actor }}",
  "          pull-password: ${{ secrets.GHCR_READ_TOKEN }}",
];
const FORGE_REGISTRY = [
  "          # The forge's container registry; its tokens: write:package, and read:package for Dokploy.",
  "          image: forgejo.example.com/${{ github.repository }}",
  "          registry-username: ${{ github.actor }}",
  "          registry-password: ${{ secrets.PACKAGE_WRITE_TOKEN }}",
  "          pull-username: ${{ github.actor }}",
  "          pull-password: ${{ secrets.PACKAGE_READ_TOKEN }}",
];

function githubWorkflow(path: string, registry: string[]): string[] {
  return [
    `# ${path}`,
    "name: deploy",
    "on:",
    "  push:",
    "    branches: [main]",
    "jobs:",
    "  deploy:",
    "    runs-on: ubuntu-latest",
    `    concurrency: { group: deploy-${APPLICATION_ID}, cancel-in-progress: false }`,
    "    permissions: { contents: read, packages: write }",
    "    steps:",
    `      - uses: ${actionRef("actions/checkout")}`,
    `      - uses: ${PUBLISHED.github}@v${MAJOR}`,
    "        with:",
    "          dokploy-url: https://dokploy.example.com",
    "          dokploy-api-key: ${{ secrets.DOKPLOY_API_KEY }}",
    `          application-id: ${APPLICATION_ID}`,
    ...registry,
  ];
}

const SNIPPETS: Record<QuickStartCi, () => string[]> = {
  github: () => githubWorkflow(".github/workflows/deploy.yml", GITHUB_REGISTRY),
  forgejo: () => githubWorkflow(".forgejo/workflows/deploy.yml (Gitea: .gitea/workflows/deploy.yml)", FORGE_REGISTRY),
  gitlab: () => [
    "# .gitlab-ci.yml: a masked CI/CD variable DOKPLOY_API_KEY, and a deploy token",
    "# named gitlab-deploy-token with read_registry (Dokploy pulls with it)",
    "include:",
    `  - component: $CI_SERVER_FQDN/${PUBLISHED.gitlab}/deploy@${MAJOR}`,
    "    inputs:",
    "      dokploy-url: https://dokploy.example.com",
    `      application-id: ${APPLICATION_ID}`,
  ],
  bitbucket: () => [
    "# bitbucket-pipelines.yml: secured repository variables DOKPLOY_API_KEY,",
    "# DOCKERHUB_USERNAME, DOCKERHUB_TOKEN (push), DOCKERHUB_READ_TOKEN (kept by Dokploy)",
    "pipelines:",
    "  branches:",
    "    main:",
    "      - step:",
    "          name: Deploy to Dokploy",
    "          deployment: production",
    "          services: [docker]",
    "          script:",
    `            - pipe: ${PIPE}`,
    "              variables:",
    "                DOKPLOY_URL: https://dokploy.example.com",
    "                DOKPLOY_API_KEY: $DOKPLOY_API_KEY",
    `                APPLICATION_ID: ${APPLICATION_ID}`,
    "                IMAGE: docker.io/$DOCKERHUB_USERNAME/web",
    "                REGISTRY_USERNAME: $DOCKERHUB_USERNAME",
    "                REGISTRY_PASSWORD: $DOCKERHUB_TOKEN",
    "                PULL_USERNAME: $DOCKERHUB_USERNAME",
    "                PULL_PASSWORD: $DOCKERHUB_READ_TOKEN",
  ],
};

/** The yaml block of one CI's quick start, fenced. */
export function renderQuickStart(ci: QuickStartCi): string {
  return ["```yaml", ...SNIPPETS[ci](), "```"].join("\n");
}

/** The README's table of where the project is published, from scripts/published.ts. */
export function renderPublishedTable(): string {
  return [
    "| what | where | used as |",
    "|---|---|---|",
    `| the GitHub Action | \`github.com/${PUBLISHED.github}\` | \`uses: ${PUBLISHED.github}@v${MAJOR}\` |`,
    `| the runner image | \`${PUBLISHED.image}\` | the Bitbucket pipe's and the GitLab component's image, \`:${VERSION}\` and \`:${MAJOR}\` |`,
    `| the GitLab component | \`gitlab.com/${PUBLISHED.gitlab}\` | \`component: $CI_SERVER_FQDN/${PUBLISHED.gitlab}/deploy@${MAJOR}\` (CI/CD Catalog) |`,
    `| the Bitbucket pipe | \`bitbucket.org/${PUBLISHED.bitbucket}\` | \`pipe: ${PIPE}\` |`,
  ].join("\n");
}
