/**
 * What a round started, to be stopped at the end whatever happened: each
 * step in reverse order of adding, a failing one logged and the rest still run.
 */
export class Teardown {
  private readonly steps: { what: string; step: () => Promise<unknown> }[] = [];

  add(what: string, step: () => Promise<unknown>): void {
    this.steps.push({ what, step });
  }

  async run(): Promise<void> {
    for (const { what, step } of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`teardown: ${what} failed: ${(error as Error).message}`);
      }
    }
  }
}
