/**
 * The one place for the major of each action that the examples, the README, the docs and this
 * repository's workflows use: each is the newest major of that action (looked up 2026-12), and
 * runs on node24. A test checks every `uses:` line against it, exact major, not a minimum; the
 * README's quick start takes actions/checkout's from here. To move to a new major, change it
 * here and in every file the test names.
 */
export const ACTION_MAJORS: Readonly<Record<string, number>> = {
  // v7 (2026-06) refuses fork pull request checkouts in pull_request_target and workflow_run.
  "actions/checkout": 7,
  "actions/setup-node": 6,
  "docker/setup-buildx-action": 4,
  "docker/login-action": 4,
  "docker/build-push-action": 7,
  "docker/setup-qemu-action": 4,
  "docker/metadata-action": 6,
  "aws-actions/configure-aws-credentials": 6,
  "aws-actions/amazon-ecr-login": 2,
  "google-github-actions/auth": 3,
};

/** `owner/name@v<major>` of an action in the list. */
export function actionRef(action: string): string {
  const major = ACTION_MAJORS[action];
  if (major === undefined) throw new Error(`${action} is not in ACTION_MAJORS`);
  return `${action}@v${String(major)}`;
}
