import { onWillUnmount } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import {
    ProgressBarField,
    progressBarField,
} from "@web/views/fields/progress_bar/progress_bar_field";

/**
 * The progress bar of a background job (import or reclassification), moving
 * while the job runs: the job's scheduled action sends its progress on the
 * bus (``options="{'channel': …}"``) after each committed batch and at the
 * end; the form then reads the job again.
 */
export class SegmentJobProgressField extends ProgressBarField {
    static props = {
        ...ProgressBarField.props,
        channel: { type: String },
    };

    setup() {
        super.setup();
        const busService = useService("bus_service");
        const onProgress = (payload) => {
            const record = this.props.record;
            if (payload.id === record.resId && !record.dirty) {
                record.load();
            }
        };
        busService.subscribe(this.props.channel, onProgress);
        onWillUnmount(() => busService.unsubscribe(this.props.channel, onProgress));
    }
}

export const segmentJobProgressField = {
    ...progressBarField,
    component: SegmentJobProgressField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...progressBarField.extractProps(fieldInfo, dynamicInfo),
        channel: fieldInfo.options.channel,
    }),
};

registry.category("fields").add("segment_job_progress", segmentJobProgressField);
