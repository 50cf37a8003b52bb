/** `node -e 0`: starting the Node that runs cgmigrate and knex, the floor under every Node figure. */
import { ANY_OUTPUT, type ToolRunner } from './tool-runner.ts';

export const nodeFloor: ToolRunner = {
  name: 'node',
  commands: () => [{ name: 'node -e 0', argv: [process.execPath, '-e', '0'], expects: ANY_OUTPUT }],
};
