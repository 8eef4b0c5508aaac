import type { AutomationStatus, AutomationTrigger, Workflow } from '@mediaflow/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A saved workflow. Properties are named as their columns (and as the API
 * object's fields), so a `RETURNING *` row is already an entity.
 */
@Entity({ schema: 'registry', name: 'automations' })
// Newest-first listing per project; the migration creates it with DESC order.
@Index('automations_project_created_idx', ['project_id', 'created_at', 'id'])
export class AutomationEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  project_id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Stored normalised: options always under `options`. */
  @Column({ type: 'jsonb' })
  workflow!: Workflow;

  /** Stored with `conditions` always present; null: run on demand only. */
  @Column({ type: 'jsonb', nullable: true })
  trigger!: AutomationTrigger | null;

  @Column({ type: 'text' })
  status!: AutomationStatus;

  /**
   * The gateway's claim of the `Idempotency-Key` of the request that created
   * it, if it had one: unique per project (migration 1796730000000). Never
   * answered.
   */
  @Column({ type: 'text', nullable: true })
  idempotency_key!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
