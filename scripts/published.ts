/**
 * Where this project is published: the one place for its owner and names. `acme` is a
 * PLACEHOLDER for the account it is published under; the generated files take these values from
 * here, and a test checks that every example and README names the same places.
 */
import packageJson from "../package.json";

export const OWNER = "acme";

export const PUBLISHED = {
  /** The GitHub repository: the Action (`uses: acme/dokploy-deploy@v1`) and the source. */
  github: `${OWNER}/dokploy-deploy`,
  /** The runner image: the GitLab component's job image. */
  image: `ghcr.io/${OWNER}/dokploy-deploy`,
  /**
   * The same runner image on Docker Hub (docker.io/<owner>/dokploy-deploy), pushed by the same
   * release: the Bitbucket pipe's image (Atlassian's pipe guide publishes a pipe's image on
   * Docker Hub) and the Woodpecker and Drone plugin (their plugins are pulled from there).
   */
  dockerHub: `${OWNER}/dokploy-deploy`,
  /** The GitLab project on gitlab.com that holds the CI/CD Catalog tree (templates/ at its root). */
  gitlab: `${OWNER}/dokploy-deploy`,
  /** The Bitbucket repository on bitbucket.org that holds the pipe tree (pipe.yml at its root). */
  bitbucket: `${OWNER}/dokploy-deploy-pipe`,
} as const;

/** The version being released: the runner image's tag, the catalog's and the pipe's tag. */
export const VERSION: string = packageJson.version;
export const MAJOR: string = VERSION.split(".")[0] ?? VERSION;

/** Run directly, prints the places as KEY=value lines (for $GITHUB_ENV in the release workflow). */
if (process.argv[1] && process.argv[1].endsWith("published.ts")) {
  const lines = [
    `VERSION=${VERSION}`,
    `MAJOR=${MAJOR}`,
    `GITHUB_REPOSITORY_PUBLISHED=${PUBLISHED.github}`,
    `RUNNER_IMAGE=${PUBLISHED.image}`,
    `DOCKER_HUB_IMAGE=${PUBLISHED.dockerHub}`,
    `GITLAB_PROJECT=${PUBLISHED.gitlab}`,
    `BITBUCKET_REPOSITORY=${PUBLISHED.bitbucket}`,
  ];
  console.log(lines.join("\n"));
}
