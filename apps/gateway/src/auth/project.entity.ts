import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `gateway.projects`: everything belongs to one. Exactly one is the default. */
@Entity({ name: 'projects' })
export class ProjectEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  name!: string;

  /** Unique where true (a partial index), so concurrent starts cannot make two. */
  @Column('boolean', { name: 'is_default', default: false })
  isDefault!: boolean;

  /** HMAC key of the project's webhooks (docs/http-api.md, Webhooks). */
  @Column('text', { name: 'webhook_secret' })
  webhookSecret!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
