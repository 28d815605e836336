// The pod's Kubernetes identity: which ServiceAccount it runs as, and whether it may call the Kubernetes API.

/** A ServiceAccount the construct creates, named like the app, e.g. for cloud workload identity. */
export interface ServiceAccountProps {
  /**
   * e.g. `iam.gke.io/gcp-service-account: sa@project.iam.gserviceaccount.com` (GKE Workload Identity) or
   * `eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/models` (EKS IRSA).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /** Merged with the construct's labels; a key of ours may not be overwritten. @default - none */
  readonly labels?: { [key: string]: string };
}

/** An explicit opt-in to mount the service account token, for servers that call the Kubernetes API. */
export interface AutomountTokenOptIn {
  /** Why the server needs the API token. */
  readonly reason: string;
}
